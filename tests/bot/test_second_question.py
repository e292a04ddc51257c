from bot.second_question import clauses


def test_a_message_is_cut_into_its_questions():
    assert clauses("E-posta adresiniz ne, telefonla da ulaşabilir miyim?") == [
        "e-posta adresiniz ne", "telefonla da ulasabilir miyim"]
    assert clauses("bonusum ne durumda, bir de yatırımım neden geçmedi") == [
        "bonusum ne durumda", "yatirimim neden gecmedi"]
    assert clauses("çekimim ne durumda") == ["cekimim ne durumda"]
    assert clauses("merhaba, selam") == []
