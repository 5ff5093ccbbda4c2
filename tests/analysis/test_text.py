from massline.analysis.text import (
    Segmenter,
    default_segmenter,
    normalise,
    stopwords,
    strip_boilerplate,
    tokens,
)


def test_full_width_letters_digits_and_symbols_become_half_width():
    assert normalise("ＡＢＣ１２３＠ｘ．ｃｏｍ") == "ABC123@x.com"


def test_chinese_punctuation_keeps_its_full_width_form():
    assert normalise("你好，请问？（急）") == "你好，请问？（急）"


def test_traditional_characters_become_simplified():
    assert normalise("這個問題請領導處理") == "这个问题请领导处理"


def test_whitespace_is_collapsed_and_stripped():
    assert normalise("  小区\u3000\u3000停水\n\t三天  ") == "小区 停水 三天"


def test_excel_line_break_escapes_are_removed():
    assert normalise("盼复！_x000D_\n谢谢") == "盼复！ 谢谢"


def test_normalise_of_empty_text_is_empty():
    assert normalise("") == ""


def test_leading_salutations_are_stripped():
    assert strip_boilerplate("尊敬的领导您好：小区停水三天了。") == "小区停水三天了。"
    assert strip_boilerplate("胡书记，您好！路灯坏了") == "路灯坏了"
    assert strip_boilerplate("尊敬的黄州区区长：路面塌陷") == "路面塌陷"
    assert strip_boilerplate("您好！请问社保怎么交") == "请问社保怎么交"


def test_closings_are_stripped_but_the_request_stays():
    text = "小区停水三天了，请尽快维修。望领导重视！谢谢！此致 敬礼！"
    assert strip_boilerplate(text) == "小区停水三天了，请尽快维修。"


def test_thanks_for_reading_in_the_middle_is_stripped():
    text = "感谢您百忙之中查看这份留言。我的父亲被拖欠工资。"
    assert strip_boilerplate(text) == "我的父亲被拖欠工资。"


def test_text_without_boilerplate_is_unchanged():
    text = "A3区大道西行便道被施工围墙占用，安全隐患非常大。"
    assert strip_boilerplate(text) == text


def test_user_words_stay_one_token():
    plain = Segmenter().cut("东湖街道办事处门口积水")
    assert "东湖街道办事处" not in plain
    assert "东湖街道办事处" in Segmenter(["东湖街道办事处"]).cut("东湖街道办事处门口积水")


def test_tokens_drop_stopwords_punctuation_and_numbers():
    words = Segmenter().tokens("我们小区的燃气泄漏了，3天了！2019年")
    assert "燃气" in words and "泄漏" in words
    assert not {"我们", "的", "了", "，", "！", "3", "2019"} & set(words)


def test_stopword_list_holds_common_function_words():
    assert {"的", "了", "我们", "因为"} <= stopwords()


def test_default_segmenter_is_shared_and_tokens_uses_it():
    assert default_segmenter() is default_segmenter()
    assert tokens("燃气泄漏") == default_segmenter().tokens("燃气泄漏")


def test_cut_of_empty_text_is_empty():
    assert Segmenter().cut("") == []
