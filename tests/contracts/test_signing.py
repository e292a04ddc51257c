from casinra_contracts.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, signed_headers, verify


def test_round_trip_and_every_refusal():
    body = b'{"sender":"c_1","message":"merhaba"}'
    headers = signed_headers("s3cret", body, now=1_000_000)
    assert verify("s3cret", headers, body, now=1_000_010) is None
    assert verify("s3cret", headers, body + b" ", now=1_000_010) == "bad signature"
    assert verify("other", headers, body, now=1_000_010) == "bad signature"
    assert verify("s3cret", headers, body, now=1_000_000 + 301) == "stale timestamp"
    assert verify("s3cret", {}, body) == "missing signature"
    assert verify("s3cret", {TIMESTAMP_HEADER: "x", SIGNATURE_HEADER: "y"}, body) == "missing signature"


def test_signature_format_is_stable():
    assert sign("k", "1", b"b") == "sha256=" + __import__("hmac").new(b"k", b"1.b", "sha256").hexdigest()
