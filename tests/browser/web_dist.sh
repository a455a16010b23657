# Sourced by the browser test runners: builds web/dist when it is missing or
# older than any file of web/src (or web/index.html), so that a developer
# running ctest by hand never tests a stale bundle. scripts/test.sh builds it
# before the suite; the lock keeps parallel tests from building it at once.
# Usage: ensure_web_dist SOURCE_DIR
ensure_web_dist() {
  local web=$1/web
  (
    flock 9
    if [[ ! -f $web/dist/index.html ]] ||
       [[ -n $(find "$web/src" "$web/index.html" -newer "$web/dist/index.html" -print -quit) ]]; then
      echo "building web/dist (missing or older than web/src)" >&2
      (cd "$web" && npm run build --silent) >&2
    fi
  ) 9> "$web/.dist.lock"
}
