import time

import jwt
import pytest

from casinra_handoff.auth import AuthError, mint_player_token, verify_player_token
from casinra_handoff.passwords import hash_password, verify_password

SECRET = "s" * 32


def test_player_token_roundtrip():
    ident = verify_player_token(mint_player_token("P1001", "Ahmet Yılmaz", SECRET), SECRET)
    assert ident.id == "P1001" and ident.name == "Ahmet Yılmaz"


@pytest.mark.parametrize("token", [
    jwt.encode({"sub": "P1", "exp": int(time.time()) - 10}, SECRET, algorithm="HS256"),  # expired
    jwt.encode({"sub": "P1", "exp": int(time.time()) + 60}, "other" * 8, algorithm="HS256"),  # wrong key
    jwt.encode({"name": "x", "exp": int(time.time()) + 60}, SECRET, algorithm="HS256"),  # no sub
    jwt.encode({"sub": "P1"}, SECRET, algorithm="HS256"),  # no exp
    "garbage",
])
def test_bad_player_tokens(token):
    with pytest.raises(AuthError):
        verify_player_token(token, SECRET)


def test_alg_none_rejected():
    token = jwt.encode({"sub": "P1", "exp": int(time.time()) + 60}, None, algorithm="none")
    with pytest.raises(AuthError):
        verify_player_token(token, SECRET)


def test_passwords():
    h = hash_password("gizli-şifre")
    assert h.startswith("scrypt$") and "gizli" not in h
    assert verify_password("gizli-şifre", h)
    assert not verify_password("yanlış", h)
    assert not verify_password("x", None)


def test_stored_languages_are_read_back():
    from casinra_handoff.auth import languages_of

    assert languages_of("tr,en") == ("tr", "en")
    assert languages_of(None) == ("tr",) and languages_of(" , ") == ("tr",)
