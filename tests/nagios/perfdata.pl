#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# perfdata.pl — reads check_oom output on stdin and validates every perfdata item
# with Debian's Monitoring::Plugin::Performance parser, plus the exact syntax of
# the Monitoring Plugins guidelines (which that parser is too lax to enforce).
# Prints "N items ok" and exits 0, or prints why and exits 1.
use strict;
use warnings;
use Monitoring::Plugin::Performance;
use Monitoring::Plugin::Range;

my @lines = <STDIN>;
my $perf = '';
for my $i (0 .. $#lines) {
	my $l = $lines[$i];
	chomp $l;
	my $pipes = () = $l =~ /\|/g;
	fail("line " . ($i + 1) . " holds $pipes '|'") if $pipes > 1;
	next unless $pipes;
	fail("'|' on line " . ($i + 1) . ", not the first or last") unless $i == 0 || $i == $#lines;
	$perf .= ' ' . (split /\|/, $l, 2)[1];
}
$perf =~ s/^\s+|\s+$//g;
fail("no perfdata") if $perf eq '';

my @items = split / +/, $perf;
my @parsed = Monitoring::Plugin::Performance->parse_perfstring($perf);
fail("parse_perfstring understood " . scalar(@parsed) . " of " . scalar(@items) . " items: $perf")
	unless @parsed == @items;
my %seen;
for my $k (0 .. $#items) {
	my ($it, $p) = ($items[$k], $parsed[$k]);
	$it =~ /^'([^'=]+)'=(-?[0-9.]+)(s|ms|us|%|B|KB|MB|GB|TB|c)?;([^;]*);([^;]*);(-?[0-9.]*);(-?[0-9.]*)$/
		or fail("not in the standard syntax: $it");
	my ($label, $value, $uom, $w, $c) = ($1, $2, $3 // '', $4, $5);
	fail("parser read $it as label " . $p->label) unless $p->label eq $label;
	fail("parser read $it as value " . $p->value) unless $p->value == $value;
	fail("parser read $it as uom " . ($p->uom // '')) unless ($p->uom // '') eq $uom;
	for my $r ($w, $c) {
		next if $r eq '';
		local $SIG{__WARN__} = sub { };
		fail("invalid range '$r' in $it") unless defined Monitoring::Plugin::Range->parse_range_string($r);
	}
	my $key = substr($label, 0, 19);
	fail("label '$label' not unique in its first 19 characters") if $seen{$key}++;
}
print scalar(@items), " items ok\n";
exit 0;

sub fail { print "$_[0]\n"; exit 1; }
