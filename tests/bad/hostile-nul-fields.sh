# NUL inside a string field (issue 15, item 9): "a-…\u0000evil" used to
# become session "a-…", as if the bytes after the NUL were not there.
# One rule for every reader (the records reader's): a string field that
# holds a NUL rejects its event, with a message naming file and event,
# in a streamed event, a filter-log-events stream name, a subscription
# payload, Logs Insights rows, CloudTrail and describe-sessions.  The
# events around it come out; the data of a session event (what the
# terminal showed) may hold NUL as before.  sl-redact reads no session
# ids: it passes such a JSON document on with the NUL escape unchanged.
. "$(dirname "$0")/lib.sh"
ev() {	# ev SID DATA: a streamed session event
	printf '{"eventVersion":"1.0","eventTime":"2024-06-01T10:00:00Z","target":{"id":"i-0123456789abcdef0"},"sessionId":"%s","sessionData":["%s"]}' "$1" "$2"
}
{ ev 'good-0000000000000000a' '$ echo one\r\n'; echo
  ev 'a-0000000000000000b\u0000evil' '$ echo evil\r\n'; echo
  ev 'good-0000000000000000z' '$ echo two\u0000\r\n'; echo; } > streamed.jsonl
printf '{"events":[{"logStreamName":"good-0000000000000000c","timestamp":1717236000000,"message":"$ ok\\r\\n"},{"logStreamName":"x-0000000000000000d\\u0000evil","timestamp":1717236000001,"message":"$ evil\\r\\n"}]}\n' > events.json
printf '{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"y-0000000000000000e\\u0000evil","subscriptionFilters":["a"],"logEvents":[{"id":"1","timestamp":1717236000000,"message":"$ evil\\r\\n"}]}\n' > sub.json
printf '{"results":[[{"field":"@timestamp","value":"2024-06-01 10:00:00.000"},{"field":"@logStream","value":"z-0000000000000000f\\u0000evil"},{"field":"@message","value":"$ evil\\r\\n"}]],"status":"Complete"}\n' > insights.json
printf '{"Sessions":[{"SessionId":"good-0000000000000000g","Target":"i-1","Status":"Terminated","StartDate":1550676938},{"SessionId":"d-0000000000000000h\\u0000evil","Target":"i-1","Status":"Terminated","StartDate":1550676938}]}\n' > describe.json

check() {
	if [ "$tool" = sl-redact ]; then
		want_tool_rc 0
		grep -aqF 'a-0000000000000000b\u0000evil' out ||
		    fail "sl-redact: the document did not come out whole"
		return 0
	fi
	want_tool_rc 1
	want_msg "streamed.jsonl:2: rejected event: \"sessionId\" is not a string (or holds a NUL)"
	want_msg "events.json#2: rejected event"
	want_msg "sub.json"
	want_msg "insights.json#1: rejected event: @logStream is not a string (or holds a NUL)"
	want_msg "describe.json"
	want_out_has good-0000000000000000a
	want_out_has good-0000000000000000z
	want_out_has good-0000000000000000c
	for cut in a-0000000000000000b x-0000000000000000d y-0000000000000000e \
	    z-0000000000000000f d-0000000000000000h; do
		grep -aq "\"$cut\"\|^$cut\|/$cut" out && fail "$tool: $cut came out cut at the NUL"
	done
	return 0
}
each_tool check streamed.jsonl events.json sub.json insights.json describe.json
finish
