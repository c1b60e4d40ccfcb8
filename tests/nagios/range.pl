#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# range.pl — reads "RANGE VALUE" lines on stdin; for each prints 1 when
# Monitoring::Plugin::Range says VALUE alerts for RANGE, 0 when it does not,
# "invalid" when RANGE is not a valid range.
use strict;
use warnings;
use Monitoring::Plugin::Range;

local $SIG{__WARN__} = sub { };
while (my $line = <STDIN>) {
	chomp $line;
	my ($range, $value) = split / /, $line;
	my $r = Monitoring::Plugin::Range->parse_range_string($range);
	print defined $r ? $r->check_range($value) : "invalid", "\n";
}
