# A gzip cut in the middle: what was decoded is parsed, the cut is an
# error naming the file, exit 1; a good file after it is still read.
. "$(dirname "$0")/lib.sh"
{
	echo 'Script started on 2024-06-01 10:00:00+00:00'
	i=0
	while [ $i -lt 3000 ]; do
		printf 'sh-5.2$ echo line %d of a long session with some padding text\r\r\n' $i
		i=$((i + 1))
	done
	printf '\nScript done on 2024-06-01 10:30:00+00:00\n'
} > s-0000000000000000a.log
gzip -c s-0000000000000000a.log > full.gz
size=$(wc -c < full.gz)
head -c $((size / 2)) full.gz > cut-0000000000000000b.log.gz
cp s-0000000000000000a.log good-0000000000000000c.log
run sl-parse cut-0000000000000000b.log.gz good-0000000000000000c.log
no_crash
want_rc 1
want_err "sl-parse: cut-0000000000000000b.log.gz"
want_err "truncated"
want_out_jq '[.[] | select(.session == "cut-0000000000000000b" and .type == "line")] | length > 100'
want_out_jq '[.[] | select(.session == "good-0000000000000000c" and .type == "line")] | length == 3000'
want_out_jq '[.[] | select(.session == "cut-0000000000000000b" and .code == "truncated")] | length == 1'
finish
