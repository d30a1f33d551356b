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
