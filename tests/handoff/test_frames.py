import json

from casinra_handoff import frames as F


def test_player_frames_parse():
    f = F.parse_player(json.dumps({"type": "message", "id": "c1", "text": "merhaba"}))
    assert isinstance(f, F.PlayerMessageIn) and f.text == "merhaba"
    assert isinstance(F.parse_player('{"type":"button","id":"b","payload":"/affirm"}'), F.PlayerButtonIn)
    assert isinstance(F.parse_player('{"type":"typing","state":true}'), F.TypingIn)
    assert isinstance(F.parse_player('{"type":"ping"}'), F.PingIn)


def test_player_bad_frames_are_error_frames():
    cases = {
        "not json": "invalid_json",
        "[1,2]": "invalid_frame",
        '{"type":"nope"}': "invalid_frame",
        '{"type":"message","text":"x"}': "invalid_frame",  # id missing
        '{"type":"message","id":"x","text":5}': "invalid_frame",
        '{"type":"typing","state":"maybe"}': "invalid_frame",
        '{"type":"message","id":"x","text":"a","extra":1}': "invalid_frame",
        '{"type":"claim","conversation_id":"c"}': "invalid_frame",  # agent-only frame
    }
    for raw, code in cases.items():
        out = F.parse_player(raw)
        assert isinstance(out, F.ErrorOut), raw
        assert out.code == code, (raw, out)
    assert F.parse_player(b"\x00\x01").code == "binary_not_supported"
    big = json.dumps({"type": "message", "id": "x", "text": "a" * 9000})
    assert F.parse_player(big).code == "frame_too_large"
    long = json.dumps({"type": "message", "id": "x", "text": "ş" * 2001})
    assert F.parse_player(long, max_bytes=100_000).code == "text_too_long"
    err = F.parse_player('{"type":"message","id":"abc","text":5}')
    assert err.ref == "abc" and err.details


def test_agent_frames():
    assert isinstance(F.parse_agent('{"type":"claim","conversation_id":"c_1"}'), F.ClaimIn)
    t = F.parse_agent('{"type":"transfer","conversation_id":"c_1","to_team":"finans"}')
    assert isinstance(t, F.TransferIn) and t.to_team == "finans"
    assert F.parse_agent('{"type":"claim","conversation_id":"../x"}').code == "invalid_frame"
    assert F.parse_agent('{"type":"message","id":"1","conversation_id":"c","text":""}').code == "invalid_frame"


def test_bus_frames_roundtrip():
    msg = F.MessageOut(sender="bot", text="Merhaba", ts=1.0, seq=3)
    ev = F.BusHistory(type="history", conversation_id="c", seq=3, frame=msg)
    back = F.parse_bus(ev.model_dump_json())
    assert isinstance(back, F.BusHistory) and back.frame.text == "Merhaba"
    assert isinstance(F.parse_bus('{"type":"queue_changed"}'), F.BusQueueChanged)
