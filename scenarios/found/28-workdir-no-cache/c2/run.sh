one run.sh
