#!/usr/bin/env bash
# Interop with baresip (a real SIP client), all on 127.0.0.1:
#  (1) baresip as the far end of a trunk call: Clearline's INVITE is answered
#      (PCMU), the safe-harbor prompt reaches baresip, baresip hangs up;
#  (2) baresip as a caller's phone: it REGISTERs with digest auth to
#      Clearline's registrar, answers the login call (PCMA, so the bridge
#      transcodes), and carrier calls are bridged to it with RTP both ways;
#      a baresip account with a wrong password is refused.
set -euo pipefail
BIN=$1
command -v baresip >/dev/null || { echo "baresip not installed (scripts/setup.sh)"; exit 1; }
W=$(mktemp -d /tmp/cl-sip-baresip.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.2; rm -rf "$W"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$W"/*.log "$W"/*.err; do echo "== $f"; tail -20 "$f"; done >&2; exit 1; }
# Ports below the kernel's ephemeral range, free for UDP and TCP (stable_port).
source "$(dirname "$0")/campaign_setup.sh"
free_port() { stable_port; }

sox -n -r 8000 -c 1 -b 16 "$W/tone.wav" synth 3 sine 600 vol 0.4
baresip_cfg() {  # dir sip_port ctrl_port
  mkdir -p "$1"; touch "$1/contacts"
  cat > "$1/config" <<CFG
net_interface		127.0.0.1
poll_method		epoll
sip_listen		127.0.0.1:$2
call_local_timeout	120
audio_player		aubridge,null
audio_source		aufile,$W/tone.wav
audio_alert		aubridge,null
audio_level		no
ausrc_srate		8000
auplay_srate		8000
ausrc_channels		1
auplay_channels		1
rtp_ports		50000-59999
rtp_stats		yes
dns_server		127.0.0.1:53
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			aubridge.so
module_app		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$3
CFG
}

# ---- (1) baresip as the trunk's far end
BP=$(free_port); CTL=$(free_port)
baresip_cfg "$W/far" "$BP" "$CTL"
echo "<sip:human@127.0.0.1:$BP>;regint=0;answermode=auto;audio_codecs=PCMU" > "$W/far/accounts"
baresip -4 -f "$W/far" > "$W/far.log" 2>&1 < /dev/null & PIDS+=($!)
sleep 1
"$BIN/clearline-sipcheck" --trunk 127.0.0.1:$BP --to human --calls 2 --cps 5 --deadline-ms 30000 \
  > "$W/far.summary" 2> "$W/far.err" || fail "trunk call to baresip: sipcheck failed"
S="$W/far.summary"
[[ $(jq .answered "$S") == 2 ]] || fail "baresip did not answer: $(cat "$S")"
[[ $(jq '.safe_harbor' "$S") == 2 ]] || fail "safe harbor did not finish on baresip calls: $(cat "$S")"
[[ $(jq '.causes | keys == ["safe_harbor_done"]' "$S") == true ]] || fail "causes: $(cat "$S")"
echo "baresip as trunk far end ok: $(jq -c .causes "$S")"

# ---- (2) baresip as a caller's phone (digest REGISTER, PCMA) + a bad password
CP_PORT=$(free_port); SIPCHECK_PORT=$(free_port)
"$BIN/clearline-carrier" --listen 127.0.0.1:$CP_PORT --truth "$W/truth.jsonl" --seed 5 --time-scale 0.05 \
  --p-human 1 --p-machine 0 --p-no-answer 0 --p-busy 0 --p-invalid 0 --p-congestion 0 --talk-mean-ms 200000 \
  > "$W/carrier.log" 2>&1 & PIDS+=($!)
BP2=$(free_port); CTL2=$(free_port)
baresip_cfg "$W/phone" "$BP2" "$CTL2"
cat > "$W/phone/accounts" <<ACC
<sip:caller1@127.0.0.1:$SIPCHECK_PORT>;auth_pass=s3cret;answermode=auto;regint=60;audio_codecs=PCMA
<sip:caller2@127.0.0.1:$SIPCHECK_PORT>;auth_pass=wrong;answermode=auto;regint=60;audio_codecs=PCMA
ACC
( sleep 1; exec baresip -4 -f "$W/phone" > "$W/phone.log" 2>&1 < /dev/null ) & PIDS+=($!)
"$BIN/clearline-sipcheck" --trunk 127.0.0.1:$CP_PORT --listen-port $SIPCHECK_PORT \
  --callers caller1:s3cret,caller2:s3cret --wait-callers-ms 8000 --calls 3 --cps 1 --talk-ms 1500 \
  --out "$W/phone.calls" --deadline-ms 60000 > "$W/phone.summary" 2> "$W/phone.err" \
  || fail "baresip phone: sipcheck failed"
S="$W/phone.summary"
[[ $(jq .registrations "$S") -ge 1 ]] || fail "baresip did not register: $(cat "$S")"
[[ $(jq .bad_registrations "$S") -ge 1 ]] || fail "the wrong password was not refused: $(cat "$S")"
[[ $(jq .caller_legs_up "$S") == 1 ]] || fail "caller leg to baresip not up: $(cat "$S")"
[[ $(jq .bridged "$S") -ge 1 ]] || fail "no call bridged to baresip: $(cat "$S")"
[[ $(jq .rtp_relayed_to_caller "$S") -gt 20 ]] || fail "no customer audio relayed to baresip: $(cat "$S")"
[[ $(jq .rtp_relayed_to_customer "$S") -gt 20 ]] || fail "no baresip audio relayed to the customer: $(cat "$S")"
echo "baresip as caller phone ok: $(jq -c '{registrations,bad_registrations,bridged,rtp_relayed_to_caller,rtp_relayed_to_customer}' "$S")"
