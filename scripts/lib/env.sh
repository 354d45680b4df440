# shellcheck shell=bash
# Helpers shared by the scripts in scripts/. Source this file; it defines
# functions only.

# load_dotenv FILE: export KEY=VALUE lines from FILE (if it exists) without
# overriding variables that are already set in the environment, which matches
# how `task` treats its dotenv files. Blank lines, comments, an optional
# leading `export` and surrounding single/double quotes are handled.
load_dotenv() {
  local file=$1 line key value
  [[ -f $file ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*(.*)$ ]] || continue
    key=${BASH_REMATCH[2]}
    value=${BASH_REMATCH[3]}
    if [[ $value =~ ^\"(.*)\"[[:space:]]*$ || $value =~ ^\'(.*)\'[[:space:]]*$ ]]; then
      value=${BASH_REMATCH[1]}
    else
      value=${value%%[[:space:]]#*}                      # inline comment
      value=${value%"${value##*[![:space:]]}"}           # trailing blanks
    fi
    [[ -v $key ]] || export "$key=$value"
  done <"$file"
}
