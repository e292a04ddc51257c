"""Every demo player's story, as the player sees it (the texts of DESIGN.md's demo data)."""
from __future__ import annotations

import pytest

from actions.bonus import ActionBonusStatus
from actions.kyc import ActionKycStatus
from actions.transactions import ActionTransactionLookup
from conftest import entity, make_tracker, payloads, run_action, texts


def lookup(player, intent, text, entities=()):
    return run_action(ActionTransactionLookup(),
                      make_tracker(player, intent=intent, text=text, entities=entities))


def test_p1001_withdrawal_status_pending_bank_transfer(backoffice):
    _, messages = lookup("P1001", "withdrawal_status", "çekim talebim ne durumda")
    text = texts(messages)
    assert "TX-10000001" in text
    assert "1.500,00 TL" in text
    assert "havale/EFT" in text
    assert "beklemede" in text
    assert "2–5 iş günü" in text and "talep tarihinden itibaren" in text
    assert "TX-10000002" not in text  # a deposit is not a withdrawal
    assert "/kyc_status" not in payloads(messages)  # P1001 is verified


def test_p1001_transaction_lookup_lists_history(backoffice):
    _, messages = lookup("P1001", "transaction_lookup", "son işlemlerimi göster")
    text = texts(messages)
    assert "TX-10000001" in text and "TX-10000002" in text
    assert "500,00 TL" in text and "Papara" in text and "tamamlandı" in text


@pytest.mark.parametrize("written", ["TX-10000002", "tx10000002", "TX10000002", "10000002", "tx-10000002"])
def test_p1001_lookup_by_any_written_id(backoffice, written):
    _, messages = lookup("P1001", "transaction_lookup", f"{written} ne oldu",
                         entities=[entity("transaction_id", written)])
    text = texts(messages)
    assert "TX-10000002" in text and "500,00 TL" in text and "Papara" in text
    assert "anında" in text


def test_p1001_lookup_by_id_in_text_without_entity(backoffice):
    _, messages = lookup("P1001", "transaction_lookup", "tx10000002 numaralı işlem")
    assert "500,00 TL" in texts(messages)


def test_p1002_kyc_status_pending_address_missing(backoffice):
    _, messages = run_action(ActionKycStatus(), make_tracker("P1002", intent="kyc_status"))
    text = texts(messages)
    assert "beklemede" in text
    assert "Adres belgesi eksik" in text
    assert "birkaç saat ile birkaç iş günü" in text


def test_p1002_withdrawal_rejected_links_to_kyc(backoffice):
    _, messages = lookup("P1002", "withdrawal_status", "çekimim neden reddedildi")
    text = texts(messages)
    assert "TX-10000003" in text and "750,00 TL" in text and "reddedildi" in text
    assert "Kimlik doğrulaması (KYC) tamamlanmadığı" in text
    assert "eksik belge: adres belgesi" in text
    assert "/kyc_status" in payloads(messages)


def test_p1003_bonus_status_wagering_progress(backoffice):
    _, messages = run_action(ActionBonusStatus(), make_tracker("P1003", intent="bonus_status"))
    text = texts(messages)
    assert "Hoş Geldin Bonusu" in text
    assert "5.000,00 TL" in text and "2.340,00 TL" in text and "%46,8" in text
    assert "2.660,00 TL" in text
    assert "Son geçerlilik tarihi" in text
    assert "en fazla 2.500,00 TL" in text


def test_p1003_deposit_missing_failed_card(backoffice):
    _, messages = lookup("P1003", "deposit_missing", "yatırdığım para hesabıma geçmedi")
    text = texts(messages)
    assert "TX-10000004" in text and "1.000,00 TL" in text and "kredi kartı" in text
    assert "başarısız oldu" in text
    assert "banka" in text.lower() and "Papara" in text
    assert "/human_handoff" in payloads(messages)


def test_p1004_kyc_status_rejected_unreadable_id(backoffice):
    _, messages = run_action(ActionKycStatus(), make_tracker("P1004", intent="kyc_status"))
    text = texts(messages)
    assert "reddedildi" in text
    assert "okunamıyor" in text
    assert "Yeniden göndermeniz gereken belge: kimlik kartı" in text
    assert "Adres belgesi onaylandı" in text


def test_p1001_kyc_status_approved(backoffice):
    _, messages = run_action(ActionKycStatus(), make_tracker("P1001", intent="kyc_status"))
    assert "onaylandı" in texts(messages)


def test_p1001_has_no_bonus(backoffice):
    _, messages = run_action(ActionBonusStatus(), make_tracker("P1001", intent="bonus_status"))
    assert "aktif bir bonus bulunmuyor" in texts(messages)


def test_p1001_deposit_missing_all_completed(backoffice):
    _, messages = lookup("P1001", "deposit_missing", "param yatmadı")
    text = texts(messages)
    assert "hepsi tamamlanmış" in text and "TX-10000002" in text


def test_p1004_has_no_withdrawal(backoffice):
    _, messages = lookup("P1004", "withdrawal_status", "çekimim nerede")
    assert "çekim talebi görünmüyor" in texts(messages)
