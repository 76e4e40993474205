#!/usr/bin/env bash
# Every command's --help teaches its own use: it exits 0 and never falls back to the
# top-level "Start here" footer (which only `riik --help` prints), and every top-level
# command shows examples. Walks the commands and their subcommands as --help lists them.
# And the README's tour is the one `riik up` prints.
source "$(dirname "$0")/lib.sh"

subcommands() {  # the names under "Subcommands:" in a --help text
  awk '/^Subcommands:/ {on=1; next} on && /^  [a-z]/ {print $1; next} on && /^$/ {exit}'
}

"$RIIK" --help >"$WORK/top.txt" || fail "riik --help exits non-zero"
grep -q "Start here" "$WORK/top.txt" || fail "riik --help has no 'Start here'"
checked=0
while read -r cmd; do
  { echo "$cmd"; "$RIIK" "$cmd" --help | subcommands | sed "s|^|$cmd |"; } >"$WORK/paths.txt"
  while read -r -a path; do
    "$RIIK" "${path[@]}" --help >"$WORK/help.txt" 2>&1 || fail "riik ${path[*]} --help exits non-zero"
    if grep -q "Start here" "$WORK/help.txt"; then fail "riik ${path[*]} --help prints the top-level footer"; fi
    if [ "${#path[@]}" = 1 ]; then grep -q "Example" "$WORK/help.txt" || fail "riik ${path[*]} --help shows no example"; fi
    checked=$((checked + 1))
  done <"$WORK/paths.txt"
done < <(subcommands <"$WORK/top.txt")
[ "$checked" -gt 20 ] || fail "only $checked commands found: has --help's layout changed?"
pass "$checked commands and subcommands: none prints the top-level footer; every command has examples"

# One tour: the README shows exactly what `riik up` prints for the default ports and
# directory (its banner prints the same with the run's own).
README="$(dirname "$0")/../README.md"
awk '/^```sh$/ {n++; if (n == 2) {on = 1; next}} on && /^```$/ {exit} on {print}' "$README" >"$WORK/readme-tour.sh"
"$RIIK" up --print-tour --dir riik-data --port-base 7000 | sed "s|$(readlink -f "$RIIK")|build/release/riik|g" \
  >"$WORK/printed-tour.sh"
diff -u "$WORK/readme-tour.sh" "$WORK/printed-tour.sh" >"$WORK/tour.diff" ||
  fail "README's tour is not what riik up prints (regenerate it with riik up --print-tour): $(cat "$WORK/tour.diff")"
if grep -q "{{" "$WORK/printed-tour.sh"; then fail "the tour has a placeholder with no value: $(grep "{{" "$WORK/printed-tour.sh")"; fi
pass "README's tour is the one riik up prints ($(wc -l <"$WORK/readme-tour.sh") lines)"
