# SPDX-License-Identifier: MIT
# tests/locale/ — the month names of every glibc locale
# (common/lctime_table.h, made by common/gen-lctime.py) are compared with this
# machine's locales by tests/locale/test_lctime_table.sh.
DEB_DEPS += locales-all python3
