# shellcheck shell=bash
# apt_install LOG_FILE PACKAGE...: install Debian packages with apt-get, as root, writing apt's output to
# LOG_FILE. It returns 1 when apt-get cannot be used here (not root, or no apt-get) and 2 when the install
# failed, so that each caller can say what to install by hand. Used by services.sh (redis-server),
# browser.sh (chromium) and node.sh (nodejs, npm): nothing comes from anywhere but the system's
# package repositories.
apt_install() {
  local log_file=$1
  shift
  ((EUID == 0)) && command -v apt-get >/dev/null 2>&1 || return 1
  mkdir -p "$(dirname "$log_file")"
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
  } >"$log_file" 2>&1 || return 2
}
