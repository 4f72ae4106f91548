# SPDX-License-Identifier: GPL-2.0
# raw.tsv (case metric param run value) -> one line per (case, metric, param):
#   case metric param n min median max vs_nft vs_direct
# vs_nft / vs_direct: median over the nftables DNAT / direct case's median of
# the same metric and parameter from the same run ("-" when there is none);
# for latencies vs_direct is the difference (added microseconds) instead.
BEGIN { FS = OFS = "\t" }
{
	k = $1 SUBSEP $2 SUBSEP $3
	if (!(k in n))
		order[++nk] = k
	v[k, ++n[k]] = $5 + 0
}
function med(k,   i, j, t, m) {
	m = n[k]
	for (i = 2; i <= m; i++)	# insertion sort, a handful of values
		for (j = i; j > 1 && v[k, j - 1] > v[k, j]; j--) {
			t = v[k, j]; v[k, j] = v[k, j - 1]; v[k, j - 1] = t
		}
	return m % 2 ? v[k, (m + 1) / 2] : (v[k, m / 2] + v[k, m / 2 + 1]) / 2
}
END {
	for (i = 1; i <= nk; i++)
		md[order[i]] = med(order[i])
	for (i = 1; i <= nk; i++) {
		k = order[i]
		split(k, p, SUBSEP)
		kn = "nft" SUBSEP p[2] SUBSEP p[3]
		kd = "direct" SUBSEP p[2] SUBSEP p[3]
		lat = p[2] ~ /^lat_/
		rn = (kn in md) && md[kn] > 0 && !lat ? sprintf("%.3f", md[k] / md[kn]) : "-"
		if (lat)
			rd = (kd in md) ? sprintf("%+.2f", md[k] - md[kd]) : "-"
		else
			rd = (kd in md) && md[kd] > 0 ? sprintf("%.3f", md[k] / md[kd]) : "-"
		print p[1], p[2], p[3], n[k], v[k, 1], md[k], v[k, n[k]], rn, rd
	}
}
