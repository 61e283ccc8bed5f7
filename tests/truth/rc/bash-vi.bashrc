# bash with vi editing (`set -o vi`, a common ~/.bashrc line), otherwise
# the Amazon Linux 2023 prompt.
set -o vi
