"""The ``brink`` command line: the one place that parses arguments.

``cli.main`` is the composition root: it builds the parser from one module per family of
subcommands and turns what they raise into one line and an exit status. The commands are thin:
they check their arguments and call library functions in engine/ and analysis/, which know
nothing of argparse.

    main.py         the parser, the console script (``brink``) and ``python -m cli``
    run.py          brink run
    scenario.py     brink validate, brink schema, brink moves
    batch.py        brink batch
    report.py       brink report, brink compare
    check_model.py  brink check-model
    status.py       exit statuses and the length of a one-line message
"""
