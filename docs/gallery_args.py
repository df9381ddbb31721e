"""The command line each gallery example gets when the site is built (sphinx-gallery's
``reset_argv``): ``--quick`` under ``INFOTHEORY_DOCS_QUICK=1`` (the test suite's build), else
the arguments below for the examples whose default size is long to build."""
import os

#: Sizes that build in a minute or so (the examples' defaults are for a real run).
FULL_ARGS = {"dask_mutual_information.py": ["--rows", "20000000", "--chunk", "2000000"],
             "active_learning_bald.py": ["--rounds", "15"]}


def reset_argv(gallery_conf, script_vars):
    name = os.path.basename(script_vars["src_file"])
    if os.environ.get("INFOTHEORY_DOCS_QUICK") == "1":
        return ["--quick"]
    return FULL_ARGS.get(name, [])
