two run.sh
