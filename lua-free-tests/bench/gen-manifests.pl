#!/usr/bin/perl
# Writes a synthetic catalog of N services into DIR: one manifest per agency
# (50 services each), routes one to four segments deep (a quarter of the
# services have a one-segment prefix of their own, the others live under
# their agency's prefix), a mix of exact and prefix routes, every service
# proxied to BACKEND (default 127.0.0.1:9000).  Also writes DIR/paths.txt:
# one request path per service, for load generators, and DIR/routes.txt:
# "KEY MATCH PATH REQUEST" per service, for the benchmark's other
# configurations and its checks.
#
#   perl gen-manifests.pl N DIR [BACKEND]

use strict;
use warnings;

my ($n, $dir, $backend) = @ARGV;
die "usage: $0 N DIR [BACKEND]\n" unless $n && $dir;
$backend //= '127.0.0.1:9000';

mkdir $dir unless -d $dir;
my @words = qw(layanan izin data cek status daftar bayar surat akta pajak
               kartu paspor visa nik sim stnk bpjs klaim peta lahan);

open my $paths, '>', "$dir/paths.txt" or die "$dir/paths.txt: $!\n";
open my $routes, '>', "$dir/routes.txt" or die "$dir/routes.txt: $!\n";

my $per = 50;
my $agencies = int(($n + $per - 1) / $per);
my $left = $n;

for my $a (1 .. $agencies) {
    my $aid = sprintf 'instansi-%05d', $a;
    my $count = $left < $per ? $left : $per;
    $left -= $count;

    my @svc;
    for my $s (1 .. $count) {
        my $sid = sprintf 'layanan-%03d', $s;
        my $depth = 1 + ($s % 4);
        my @seg = ($aid);
        push @seg, $words[($s * 7 + $_ * 3) % @words] . "-$s" for 1 .. $depth - 1;
        my $path = '/' . join '/', @seg;
        $path = "/$aid-$sid" if $depth == 1;
        my $match = $s % 5 == 0 ? 'exact' : 'prefix';
        my $request = $match eq 'exact' ? $path : "$path/x";
        print $paths "$request\n";
        print $routes "$aid/$sid $match $path $request\n";
        push @svc, sprintf '{"id":"%s","name":"Layanan %s %d","description":'
            . '"Layanan uji nomor %d dari %s.","category":"kategori-%d",'
            . '"tags":["uji","%s"],"routes":[{"path":"%s","match":"%s"}],'
            . '"backends":["%s"]}',
            $sid, $words[$s % @words], $s, $s, $aid, $s % 12,
            $words[($s + 3) % @words], $path, $match, $backend;
    }

    open my $f, '>', "$dir/$aid.json" or die "$dir/$aid.json: $!\n";
    printf $f '{"agency":{"id":"%s","name":"Instansi Uji %d"},'
        . '"services":[%s]}' . "\n", $aid, $a, join ",\n", @svc;
    close $f;
}

close $paths;
close $routes;
