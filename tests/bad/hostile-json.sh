# Hostile JSON between good events, through every tool: nesting at
# SL_JSON_DEPTH (64, read) and past it (65, and 100,000: rejected, no
# stack overflow), huge numbers (1e400, 2^90, 2^63), wrong types (a
# number, an object, null where a string or a number goes), NUL bytes
# ("\u0000"), invalid and overlong UTF-8 inside strings.  Each bad event
# is rejected with a message naming the file and the event (file#N), the
# good ones around it come out, exit 1.  The same for a record stream
# (file:line), CloudTrail and describe-sessions.
. "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json

def ev(stream, ts, msg):
    return {"logStreamName": stream, "timestamp": ts, "message": msg,
            "ingestionTime": 1, "eventId": "1"}

def text(sid):
    return "sh-5.2$ echo %s\r\n" % sid

def nest(n):
    return "[" * n + "]" * n

bad = "bad-0000000000000000d"
good = [json.dumps(ev("good-0000000000000000%s" % c, 1714564800000,
                      text("good-0000000000000000%s" % c))) for c in "bc"]
# Raw JSON text, so that bytes json.dumps would not write get through.
bads = [
    '{"logStreamName":"%s","timestamp":1,"message":"x","d":%s}' % (bad, nest(62)),
    '{"logStreamName":"%s","timestamp":1,"message":"x","d":%s}' % (bad, nest(64)),
    '{"logStreamName":"%s","timestamp":1,"message":"x","d":%s}' % (bad, nest(100000)),
    '{"logStreamName":"%s","timestamp":1e400,"message":"x"}' % bad,
    '{"logStreamName":"%s","timestamp":1237940039285380274899124224,"message":"x"}' % bad,
    '{"logStreamName":"%s","timestamp":9223372036854775808,"message":"x"}' % bad,
    '{"logStreamName":"%s","timestamp":"soon","message":"x"}' % bad,
    '{"logStreamName":"%s","timestamp":1,"message":5}' % bad,
    '{"logStreamName":"%s","timestamp":1,"message":{"a":1}}' % bad,
    '{"logStreamName":"%s","timestamp":1,"message":null}' % bad,
    '{"logStreamName":"%s","timestamp":1,"message":"a\\u0000b"}' % bad,
    '7', 'null', '[]',
]
doc = '{"events":[' + ",".join([good[0]] + bads + [good[1]]) + '],"searchedLogStreams":[]}\n'
with open("events.json", "w") as f:
    f.write(doc)
# Invalid and overlong UTF-8 inside strings: raw bytes.
with open("utf8.json", "wb") as f:
    f.write(b'{"events":[' + good[0].encode() +
            b',{"logStreamName":"x","timestamp":1,"message":"\xff\xfe"}' +
            b',{"logStreamName":"x","timestamp":1,"message":"\xc0\x80"}' +
            b',{"logStreamName":"x","timestamp":1,"message":"\xed\xa0\x80"}' +
            b',' + good[1].encode() + b']}\n')
# A record stream.
rec = lambda sid, **k: json.dumps(dict({"type": "line", "session": sid,
                                        "src": "r:1", "text": sid}, **k))
with open("r-0000000000000000e.jsonl", "w") as f:
    f.write(rec("good-0000000000000000e", n=1) + "\n")
    f.write('{"type":"line","session":"x","n":1e400,"text":"a","src":"r:2"}\n')
    f.write('{"type":"line","session":"x","n":18446744073709551616,"text":"a","src":"r:3"}\n')
    f.write('{"type":"line","session":"x","n":"1","text":"a","src":"r:4"}\n')
    f.write('{"type":"line","session":"x","n":1,"text":["a"],"src":"r:5"}\n')
    f.write('{"type":"line","session":"x","n":1,"text":"a","x":%s,"src":"r:6"}\n' % nest(100000))
    f.write(rec("good-0000000000000000f", n=1) + "\n")
# CloudTrail and describe-sessions with wrong types and huge numbers.
with open("trail.json", "w") as f:
    f.write('{"Records":"everything"}\n')
    f.write('{"Records":[7,{"eventName":5,"eventSource":"ssm.amazonaws.com"},'
            '{"eventSource":"ssm.amazonaws.com","eventName":"StartSession",'
            '"eventTime":1e400,"responseElements":{"sessionId":"good-0000000000000000g"}}]}\n')
with open("sessions.json", "w") as f:
    f.write('{"Sessions":[{"SessionId":"good-0000000000000000h","Target":"i-1",'
            '"StartDate":1550676938}, {"SessionId":7}, {"SessionId":"y-1",'
            '"StartDate":1e300}, {"SessionId":"z-1","EndDate":"yesterday"}]}\n')
PY

check() {
	want_tool_rc 1
	# The readers reject bad events; sl-redact needs only JSON, and
	# scrubs it as it is (it has its own tests for that).
	if [ "$tool" != sl-redact ]; then
		for n in 3 4 5 6 7 8 9 10 11 13 14 15; do
			want_msg "events.json#$n:"
		done
		want_msg "utf8.json#2:"
		want_msg "utf8.json#3:"
		want_msg "utf8.json#4:"
		want_msg "trail.json"
		want_msg "sessions.json"
	fi
	for n in 2 3 4 5 6; do
		want_msg "r-0000000000000000e.jsonl:$n:"
	done
	for c in b c e f; do
		want_out_has good-0000000000000000$c
	done
}
each_tool check events.json utf8.json r-0000000000000000e.jsonl trail.json \
    sessions.json
# Nesting at the limit is read: the event of 63 levels (the event's own
# object, its "d" and 62 arrays inside: 64) gives its line.
tool=sl-parse
run sl-parse events.json
want_out_jq '[.[] | select(.src == "events.json#2" and .type == "line")] | length == 1'
want_out_jq '[.[] | select(.src == "events.json#3" and .code == "rejected")] | length == 1'
want_err "events.json#3: rejected event: nested deeper than 64 levels"
finish
