pytest_plugins = ["engine_support"]
