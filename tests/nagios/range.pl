#!/usr/bin/perl
# range.pl RANGE VALUE — prints 1 when Monitoring::Plugin::Range says VALUE
# alerts for RANGE, 0 when not, "invalid" when the range is not valid.
use strict;
use warnings;
use Monitoring::Plugin::Range;

local $SIG{__WARN__} = sub { };
my $r = Monitoring::Plugin::Range->parse_range_string($ARGV[0]);
print defined $r ? $r->check_range($ARGV[1]) : "invalid", "\n";
