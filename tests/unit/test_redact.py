from chalicelib.observability import redact


def test_emails_tokens_and_bearer_values_are_redacted():
    line = ('{"message": "SES refused zoe.n+x@mail.example.org", "h": "Bearer abc.def", '
            '"u": "https://x/verify?token=w-2PSXMcB78EYj37CFn2fZNP76e0X5ne7Rxt07ivlzM&a=1", '
            '"t": "w-2PSXMcB78EYj37CFn2fZNP76e0X5ne7Rxt07ivlzM"}')
    out = redact(line)
    assert "zoe" not in out and "abc.def" not in out and "w-2PSX" not in out
    assert "[email]" in out and "[token]" in out and "[redacted]" in out


def test_ordinary_text_is_left_alone():
    line = '{"message": "batch done", "batch_id": "20261121-ab12cd34", "rows_ok": 12}'
    assert redact(line) == line


def test_an_address_is_found_wherever_its_run_of_characters_starts():
    # the local part is matched from the start of its run; one run can hold "%40" or end at "@"
    assert redact("to=zoe%40mail.example.org&x=1") == "to=[email]&x=1"
    assert redact("a.b.c!d@x.example and e@y.example") == "[email] and [email]"
    assert redact("/p/zoe@mail.example.org/q") == "/p/[email]/q"


def test_a_long_line_without_an_address_is_left_alone_and_one_with_an_address_is_redacted():
    # A 64 kB run of address characters: the loose pattern scanned it again from every one of its
    # characters (quadratic: about 45 s); `python -m bench logs` prints the time per line.
    run = "a%b." * 16_384
    assert redact(f"GET /x?{run} HTTP/1.1") == f"GET /x?{run} HTTP/1.1"
    assert redact(f"GET /x?{run}@mail.example.org HTTP/1.1") == "GET /x?[email] HTTP/1.1"
