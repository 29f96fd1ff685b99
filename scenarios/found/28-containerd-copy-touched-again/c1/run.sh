layered run.sh
