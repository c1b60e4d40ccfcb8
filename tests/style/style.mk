# SPDX-License-Identifier: MIT
# tests/style/ — tests/style/test_format.sh checks every C file against
# .clang-format with Debian 12's clang-format (14).
DEB_DEPS += clang-format
