#!/bin/bash
# SPDX-License-Identifier: MIT
# Range semantics: for a table of ranges and values, check_oom's verdict on a
# fake machine (driving the real --psi-warning and --mem-warning options) must
# equal Monitoring::Plugin::Range's. Invalid ranges must be UNKNOWN.
. "$(dirname "$0")/lib.sh"

M=$TMP/m
verdicts() { perl "$NAGIOS_TESTS/range.pl"; }

# ---- unitless and percent ranges against PSI some avg60 ----
values=(0 0.01 5 9.99 10 10.01 15 20 20.01 50 100)
ranges=(10 10: '~:10' 10:20 @10:20 @10 0 0: @0:0 '~:0' 10.5:15.25 '@~:10' 5:5 '~:' -5:5 @20: 20:10 10:20:30 @ abc 10::20 :)
# Not in the table: exponents ("1e1"), which Perl's parser takes but the
# guidelines' number syntax [-0-9.] does not have; check_oom refuses them.
table=()
for r in "${ranges[@]}"; do for v in "${values[@]}"; do table+=("$r $v"); done; done
mapfile -t want < <(printf '%s\n' "${table[@]}" | verdicts)
i=0
for r in "${ranges[@]}"; do
	for v in "${values[@]}"; do
		FX_PSI_SOME="avg10=0.00 avg60=$v avg300=0.00 total=0" fx_machine "$M"
		run_check --proc "$M/proc" --sys "$M/sys" --kmsg none --state "$TMP/state" \
			--psi some --psi-avg 60 --psi-critical '' --psi-warning "$r"
		case ${want[$i]} in
		1) exp=1 ;;
		0) exp=0 ;;
		*) exp=3 ;;
		esac
		if [ "$RC" = "$exp" ]; then
			ok "psi some avg60=$v, --psi-warning '$r': exit $RC as Monitoring::Plugin::Range says (${want[$i]})"
		else
			not_ok "psi some avg60=$v, --psi-warning '$r'" "check_oom exit $RC, Monitoring::Plugin::Range: ${want[$i]}" "$OUT"
		fi
		i=$((i + 1))
	done
	check_output "--psi-warning '$r'"
done

# ---- size and percent ranges against MemAvailable = 1 GiB of 8 GiB (12.5%) ----
# Each row: what the user types, the same range in bytes or percent for the
# reference parser, and the value it is compared with. A bare value on
# MemAvailable ("2G", "10%") alerts below it (README, Thresholds): the
# reference gets it as the Nagios range "N:"; explicit ranges go as typed.
G=1073741824
size_rows=(
	"1G: 1073741824: $G" "1GiB: 1073741824: $G" "1025M: 1074790400: $G" "1024M: 1073741824: $G"
	"@512M:1G @536870912:1073741824 $G" "~:1G ~:1073741824 $G" "2G 2147483648: $G" "512MiB 536870912: $G"
	"1073741824B: 1073741824: $G" "1073741825B: 1073741825: $G" "1048576K: 1073741824: $G" "1048577KiB: 1073742848: $G"
	"12.5%: 12.5: 12.5" "12.51%: 12.51: 12.5" "@0%:12.5% @0:12.5 12.5" "10% 10: 12.5" "13% 13: 12.5" "~:13% ~:13 12.5" "@12.5% @12.5 12.5"
)
table=()
for row in "${size_rows[@]}"; do set -- $row; table+=("$2 $3"); done
mapfile -t want < <(printf '%s\n' "${table[@]}" | verdicts)
FX_MEM_AVAIL_KIB=1048576 fx_machine "$M"
i=0
for row in "${size_rows[@]}"; do
	set -- $row
	run_check --proc "$M/proc" --sys "$M/sys" --kmsg none --state "$TMP/state" \
		--mem-critical '' --mem-warning "$1"
	exp=${want[$i]}
	[ "$exp" = invalid ] && exp=3
	if [ "$RC" = "$exp" ]; then
		ok "MemAvailable 1 GiB (12.5%), --mem-warning '$1': exit $RC as Monitoring::Plugin::Range says for '$2' at $3"
	else
		not_ok "MemAvailable 1 GiB, --mem-warning '$1'" "check_oom exit $RC, Monitoring::Plugin::Range('$2', $3): ${want[$i]}" "$OUT"
	fi
	check_output "--mem-warning '$1'"
	i=$((i + 1))
done

done_testing
