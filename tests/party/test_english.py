"""The party pages in English, the site's second language."""


def test_the_member_home_reads_in_english(party, client_for):
    c = client_for(party.member)
    c.post("/i18n/setlang/", {"language": "en", "next": "/party/"})
    body = c.get("/party/").content.decode()
    assert "Party building" in body and "Daily quiz" in body
    assert "Today's points (reset at midnight Beijing time)" in body
