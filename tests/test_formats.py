"""Platform exports, captions and plain text (issue 13): every file of ../shared/data/formats
audits with the speakers and turns its source shows, or fails as the vendor published it.

The expected values were read off each source file by hand (see the comments), not copied
from the tool's output."""
import csv
import json

import pytest

from empathy_audit.loading import load
from empathy_audit.loading.html_text import html_to_text

from .conftest import SHARED, needs_shared, write, write_json

FORMATS = SHARED / "data" / "formats"
A, C, O = "agent", "customer", "other"


def turns_csv(directory):
    with open(directory / "turns.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def audit_rows(run, tmp_path, path, *options):
    out = tmp_path / "out"
    result = run("audit", path, "-o", out, *options)
    assert result.exit_code == 0, result.stderr
    return turns_csv(out), result


# (file, conversation id, speakers in order, first words of the first turn of each role,
#  skipped items). Counts checked against the files:
# - chat analysis: 35 Transcript items = 4 EVENT (2 CUSTOMER joined/left, 1 AGENT joined, 1
#   chat.ended) + 31 MESSAGE (15 AGENT, 13 CUSTOMER, 3 SYSTEM queue messages first).
# - PCA: SpeechSegments alternate spk_0 (6) / spk_1 (6) from spk_0; SpeakerLabels name
#   spk_0 Agent, spk_1 Customer (the words say otherwise: see the role check test).
# - ASAPP .md/.txt: 14 lines, Agent on lines 1,3,5,7,8,10,12,14.
CHAT = [O, O, O, A, C, C, C, A, C, A, C, A, C, A, C, A, C, A, A, C, A, A, A, C, A, C, A, C,
        A, C, A]
ASAPP = [A, C, A, C, A, C, A, A, C, A, C, A, C, A]
VALID = [
    ("amazon/contact-lens-chat-analysis-original.json", "b49644f6-672f-445c-b209-f76b36482830",
     CHAT, {A: "Hello, thanks for reaching Example Corp.", C: "I'd like to see if I can get"}, 4),
    ("amazon/contact-lens-realtime-segment-stream.json", "the ID of the contact", [A, C],
     {A: "Hello, thank you for calling Example Corp.", C: "I'm having trouble submitting"}, 0),
    ("amazon/pca-parsed-output-testfile.json", "pca-parsed-output-testfile", [A, C] * 6,
     {A: "MM.", C: "Thank you for calling Networks abc"}, 0),
    ("asapp/asapp-free-text-summary-example-conversation.md",
     "asapp-free-text-summary-example-conversation", ASAPP,
     {A: "Hello, thank you for contacting XYZ Insurance.", C: "Hi, I want to check"}, 0),
    ("asapp/asapp-free-text-summary-example-conversation.DERIVED-plain.txt",
     "asapp-free-text-summary-example-conversation.DERIVED-plain", ASAPP,
     {A: "Hello, thank you for contacting XYZ Insurance.", C: "Hi, I want to check"}, 0),
    # one entry, incoming false and private true: an internal note, kept as other
    ("freshdesk/freshdesk-list-ticket-conversations-example.json", "20", [O],
     {O: "Please reply as soon as possible."}, 0),
    # source by an admin, one comment part by an admin, three body-less event parts
    ("intercom/intercom-2.14-retrieve-conversation-example.json", "503", [A, A],
     {A: "this is the message body"}, 3),
    ("intercom/intercom-2.11-reply-user-example.json", "387", [A, C],
     {A: "this is the message body", C: "Thanks again :)"}, 0),
    # 19 cues, all <v Agent>: one turn (the customer's lines too, as published)
    ("microsoft/azure-content-understanding-prebuilt-callCenter.vtt",
     "azure-content-understanding-prebuilt-callCenter", [A], {A: "Good day. Welcome to Contoso."},
     0),
    ("srt/apartment-after-hours-call-labeled.srt", "apartment-after-hours-call-labeled", [A, C],
     {A: "Good evening, this is Abbie Lakes", C: "My toilet is flooding"}, 0),
    # authors are identities (no role); the third message is media only
    ("twilio/twilio-conversations-service-messages-list-example.json",
     "CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", [O, O], {O: "I like pie."}, 1),
    ("twilio/twilio-intelligence-transcript-sentences-example.json",
     "GTaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", [O], {O: "test test"}, 0),
    ("zendesk/sunshine-conversations-list-messages-example.json",
     "sunshine-conversations-list-messages-example", [A], {A: "Hello World"}, 0),
    ("zendesk/zendesk-ticket-comments-list-example.json",
     "zendesk-ticket-comments-list-example", [O], {O: "Thanks for your help!"}, 0),
    ("amazon/transcribe-speaker-diarization-output.json", "my-first-transcription-job", [O, O],
     {O: "I've been on hold for an hour."}, 0),
    ("amazon/transcribe-channel-identification-output.json", "my-first-transcription-job",
     [O, O], {O: "I've been on hold for an hour."}, 0),
]
# Invalid as the vendor published them (formats/README.md), or with no speaker at all.
INVALID = [
    ("amazon/contact-lens-voice-analysis-original.json", 297, "extra data after the JSON value"),
    ("amazon/contact-lens-voice-analysis-redacted.json", 10, "invalid JSON"),   # a // comment
    ("amazon/transcribe-call-analytics-compiled-output-excerpt.json", 14, "invalid JSON"),  # ...
    ("asapp/asapp-conversation-messages-batch-payload.json", 19, "Invalid \\escape"),
    ("srt/apartment-after-hours-call-unlabeled.srt", 1, "no cue names its speaker"),
]


@needs_shared
def test_every_shared_format_file_is_covered():
    listed = {name for name, *_ in VALID} | {name for name, *_ in INVALID}
    present = {str(p.relative_to(FORMATS)) for p in FORMATS.rglob("*") if p.is_file()}
    assert present - {"README.md"} == listed


@needs_shared
@pytest.mark.parametrize("name,conversation_id,speakers,first_words,skipped", VALID,
                         ids=[v[0] for v in VALID])
def test_format_file_audits_with_its_speakers_and_turns(run, tmp_path, name, conversation_id,
                                                        speakers, first_words, skipped):
    rows, _ = audit_rows(run, tmp_path, FORMATS / name)
    assert {r["conversation_id"] for r in rows} == {conversation_id}
    assert [r["speaker"] for r in rows] == speakers
    for role, words in first_words.items():
        assert next(r["text"] for r in rows if r["speaker"] == role).startswith(words)
    assert all(int(r["source_line"]) >= 1 for r in rows)
    with open(tmp_path / "out" / "skipped.csv", encoding="utf-8") as handle:
        assert len(handle.read().splitlines()) - 1 == skipped


@needs_shared
@pytest.mark.parametrize("name,line,message", INVALID, ids=[v[0] for v in INVALID])
def test_invalid_format_file_fails_naming_file_and_line(run, tmp_path, name, line, message):
    result = run("audit", FORMATS / name, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{FORMATS / name}:{line}:" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@needs_shared
@pytest.mark.parametrize("name", ["amazon/contact-lens-chat-analysis-original.json",
                                  "intercom/intercom-2.14-retrieve-conversation-example.json"])
def test_export_events_are_listed_but_no_error_under_strict(run, tmp_path, name):
    assert run("audit", FORMATS / name, "--strict").exit_code == 0
    assert run("audit", FORMATS / name, "--strict", "-o", tmp_path / "o").exit_code == 0
    broken = write(tmp_path / "b.csv", "conversation_id,speaker,text\n1,agent,hi\n,agent,x\n")
    assert run("audit", broken, "--strict").exit_code == 2


@needs_shared
def test_markdown_transcript_reads_as_its_plain_text_version():
    # the .txt was derived from the .md by stripping its markup: the same words must come out
    md, _ = load([FORMATS / "asapp/asapp-free-text-summary-example-conversation.md"])
    txt, _ = load([FORMATS / "asapp/asapp-free-text-summary-example-conversation.DERIVED-plain.txt"])
    assert [(t.speaker, t.text) for t in md[0].turns] == [(t.speaker, t.text) for t in txt[0].turns]
    assert "for $5000." in md[0].turns[7].text


@needs_shared
def test_turn_lines_point_at_the_objects_they_came_from(tmp_path):
    path = FORMATS / "amazon/contact-lens-realtime-segment-stream.json"
    conversations, _ = load([path])
    lines = path.read_text(encoding="utf-8").splitlines()
    for turn in conversations[0].turns:   # each turn's line opens its Transcript object
        assert lines[turn.line - 1].strip().startswith('"Transcript"')


@needs_shared
@pytest.mark.parametrize("name,labels", [
    ("amazon/transcribe-speaker-diarization-output.json", ("spk_0", "spk_1")),
    ("amazon/transcribe-channel-identification-output.json", ("ch_0", "ch_1")),
])
def test_transcribe_words_rebuilt_into_turns_mapped_or_inferred(run, tmp_path, name, labels):
    first, second = labels
    rows, _ = audit_rows(run, tmp_path, FORMATS / name, "--speaker", f"{first}=customer",
                         "--speaker", f"{second}=agent")
    assert [(r["speaker"], r["text"]) for r in rows] == [
        (C, "I've been on hold for an hour."), (A, "Sorry about that.")]
    rows, _ = audit_rows(run, tmp_path, FORMATS / name, "--roles", "infer")
    assert [r["speaker"] for r in rows] == ["customer (inferred)", "agent (inferred)"]


@needs_shared
def test_identities_and_author_ids_map_with_speaker(run, tmp_path):
    rows, _ = audit_rows(run, tmp_path, FORMATS / "twilio/twilio-conversations-service-messages-list-example.json",
                         "--speaker", "pie_preferrer=agent", "--speaker", "cake_lover=customer")
    assert [r["speaker"] for r in rows] == [A, C]
    rows, _ = audit_rows(run, tmp_path, FORMATS / "zendesk/zendesk-ticket-comments-list-example.json",
                         "--speaker", "123123=customer")
    assert [r["speaker"] for r in rows] == [C]


@needs_shared
def test_roles_that_lie_in_vendor_files_are_flagged(run, tmp_path):
    # PCA: spk_1, labelled Customer, says "Thank you for calling Networks abc technical
    # Support" and "This is [PII] speaking. Am I speaking to [PII]?"
    _, result = audit_rows(run, tmp_path, FORMATS / "amazon/pca-parsed-output-testfile.json")
    assert "labels look swapped" in result.stderr + result.stdout
    # Azure: every cue is <v Agent>, Maria Smith's request for her balance too
    out = tmp_path / "j.json"
    run("audit", FORMATS / "microsoft/azure-content-understanding-prebuilt-callCenter.vtt",
        "--format", "json", "--output", out)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert any("one label covers both sides" in note for note in report["notes"])
    assert "one label covers both sides" in report["conversations"][0]["role_check"]


@needs_shared
def test_streamed_exports_identical_for_any_number_of_workers(tmp_path):
    from empathy_audit.engine.run import stream_audit
    path = FORMATS / "amazon/contact-lens-chat-analysis-original.json"
    outputs = []
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        stream_audit([path], export_dir=out, jobs=jobs, turns_per_chunk=4)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    assert outputs[0]["turns.csv"].count(b"\n") == 32   # header + 31 turns


@needs_shared
def test_aws_voice_sample_reads_once_its_extra_brace_is_removed(tmp_path):
    # the published file ends with one "}" too many; without it: 10 turns, AGENT first,
    # alternating, "Okay." ... "Thank you. Sir. Have a nice evening."
    text = (FORMATS / "amazon/contact-lens-voice-analysis-original.json").read_text(
        encoding="utf-8").rstrip()
    fixed = write(tmp_path / "voice.json", text.removesuffix("}"))
    conversations, report = load([fixed])
    turns = conversations[0].turns
    assert [t.speaker for t in turns] == [A, C] * 5 and not report.skipped
    assert (turns[0].text, turns[-1].text) == ("Okay.", "Thank you. Sir. Have a nice evening.")
    assert conversations[0].conversation_id == "voice"   # no contact id in the sample


# ---------------------------------------------------------------- documented shapes

def test_older_transcribe_channel_output_and_dialogflow_roles(tmp_path):
    # older channel-identification output: top-level items without channel_label; the
    # channel's own item list says which channel said each word
    words = [("ch_0", "1.0", "Hi"), ("ch_0", "1.2", "there"), ("ch_1", "2.0", "Hello")]
    path = write_json(tmp_path / "old.json", {"jobName": "old", "results": {
        "channel_labels": {"channels": [
            {"channel_label": label, "items": [{"start_time": t, "alternatives": [
                {"content": w}]} for lbl, t, w in words if lbl == label]}
            for label in ("ch_0", "ch_1")]},
        "items": [{"start_time": t, "type": "pronunciation", "alternatives": [{"content": w}]}
                  for _, t, w in words]}})
    conversations, _ = load([path], speaker_map={"ch_0": "agent", "ch_1": "customer"})
    assert [(t.speaker, t.text) for t in conversations[0].turns] == [(A, "Hi there"),
                                                                    (C, "Hello")]
    ccai = write_json(tmp_path / "c.json", {"entries": [
        {"role": "HUMAN_AGENT", "text": "Hi"}, {"role": "END_USER", "text": "Help"},
        {"role": "AUTOMATED_AGENT", "text": "Survey?"}]})
    conversations, _ = load([ccai])
    assert [t.speaker for t in conversations[0].turns] == [A, C, O]


def test_platform_exports_one_a_line_or_in_an_array(run, tmp_path):
    ccai = [{"entries": [{"role": "AGENT", "text": "Hi, how can I help?"},
                         {"role": "CUSTOMER", "text": "My bill is wrong."}]},
            {"entries": [{"role": "AGENT", "text": "Hello"}]}]
    lines = write(tmp_path / "calls.jsonl", "\n".join(json.dumps(c) for c in ccai)
                  + '\n{"conversation_id": "g1", "speaker": "agent", "text": "generic"}\n')
    rows, _ = audit_rows(run, tmp_path, lines)   # streamed path
    assert [(r["conversation_id"], r["speaker"], r["source_line"]) for r in rows] == [
        ("calls-1", A, "1"), ("calls-1", C, "1"), ("calls-2", A, "2"), ("g1", A, "3")]
    array = write_json(tmp_path / "threads.json", [
        {"id": "7", "source": {"author": {"type": "user"}, "body": "<p>Help</p>"},
         "conversation_parts": {"conversation_parts": []}},
        {"id": "8", "source": {"author": {"type": "admin"}, "body": "<p>Hi</p>"},
         "conversation_parts": {"conversation_parts": []}}])
    conversations, _ = load([array])
    assert [(c.conversation_id, c.turns[0].speaker, c.turns[0].line) for c in conversations] \
        == [("7", C, 4), ("8", A, 16)]   # the lines of their "source": { objects


def test_chat_log_lines_with_times_and_names_in_brackets(tmp_path):
    path = write(tmp_path / "log.txt", "[10:02] Agent (Jane): Hi, how can I help?\n"
                 "10:03:15 PM Customer: My card was declined.\nhttp://example.com: a link\n")
    conversations, _ = load([path])
    assert [(t.speaker, t.raw_speaker, t.text) for t in conversations[0].turns] == [
        (A, "Agent (Jane)", "Hi, how can I help?"),
        (C, "Customer", "My card was declined.\nhttp://example.com: a link")]


def test_genesys_google_liveperson_from_their_documented_schemas(run, tmp_path):
    genesys = write_json(tmp_path / "g.json", {
        "conversationId": "c-1", "transcripts": [{"phrases": [
            {"text": "Thanks for calling, how can I help?", "participantPurpose": "internal"},
            {"text": "My card was charged twice.", "participantPurpose": "external"},
            {"text": "Press one.", "participantPurpose": "ivr"}]}]})
    google = write_json(tmp_path / "call-7.json", {"entries": [
        {"role": "AGENT", "text": "Hello, how may I help?", "user_id": 1},
        {"role": "CUSTOMER", "text": "My order never came.", "user_id": 2}]})
    liveperson = write_json(tmp_path / "lp.json", {"conversationHistoryRecords": [{
        "info": {"conversationId": "lp-1"}, "messageRecords": [
            {"sentBy": "Consumer", "seq": 0, "messageData": {"msg": {"text": "Hi, help!"}}},
            {"sentBy": "Agent", "seq": 1, "messageData": {"msg": {"text": "Sure."}}},
            {"sentBy": "Agent", "seq": 2, "type": "RICH_CONTENT", "messageData": {}}]}]})
    rows, _ = audit_rows(run, tmp_path, genesys)
    assert [(r["conversation_id"], r["speaker"]) for r in rows] == [("c-1", A), ("c-1", C),
                                                                   ("c-1", O)]
    rows, _ = audit_rows(run, tmp_path, google)
    assert [(r["conversation_id"], r["speaker"]) for r in rows] == [("call-7", A), ("call-7", C)]
    rows, result = audit_rows(run, tmp_path, liveperson)
    assert [(r["speaker"], r["text"]) for r in rows] == [(C, "Hi, help!"), (A, "Sure.")]
    assert "RICH_CONTENT without text" in result.stderr


def test_html_bodies_become_text_and_offsets_count_in_it(run, tmp_path):
    assert html_to_text("<p>Hi &amp; welcome</p><p>Line two<br>three &lt;3</p>") == \
        "Hi & welcome\nLine two\nthree <3"
    assert html_to_text("no markup & no entity") == "no markup & no entity"
    path = write_json(tmp_path / "ic.json", {
        "id": "9", "source": {"body": "<p>My order is <b>broken</b> &amp; late</p>",
                              "author": {"type": "user"}},
        "conversation_parts": {"conversation_parts": [
            {"part_type": "comment", "body": "<p>I&#39;m so sorry about that.</p>",
             "author": {"type": "admin", "name": "Ann"}}]}})
    out = tmp_path / "j.json"
    run("audit", path, "--format", "json", "--output", out)
    conversation = json.loads(out.read_text(encoding="utf-8"))["conversations"][0]
    conversations, _ = load([path])
    texts = [t.text for t in conversations[0].turns]
    assert texts == ["My order is broken & late", "I'm so sorry about that."]
    for turn, text in zip(conversation["turns"], texts):
        for cue in turn["cues"]:
            assert text[cue["start"]:cue["end"]] == cue["text"]
    assert any(c["cue"] == "apology" for c in conversation["turns"][1]["cues"])


def test_an_object_in_a_text_field_is_reported_never_repred(run, tmp_path):
    path = write_json(tmp_path / "t.json", [
        {"conversation_id": "1", "speaker": "customer", "text": {"body": "hi"}},
        {"conversation_id": "1", "speaker": "agent", "text": "Hello"}])
    conversations, report = load([path])
    assert [t.text for t in conversations[0].turns] == ["Hello"]
    assert report.skipped[0].reason == "field 'text' holds an object, not text"


def test_nothing_read_is_exit_2_saying_why_unless_allow_empty(run, tmp_path):
    path = write_json(tmp_path / "s.json", {"messages": [{"author": {"type": "user"}}]})
    result = run("audit", path)
    assert result.exit_code == 2
    assert f"{path}:3: no conversation read" in result.stderr
    assert "closest recognised shape: zendesk-sunshine, which needs messages[].content" \
        in result.stderr
    assert run("audit", path, "--allow-empty").exit_code == 0
    assert run("audit", path, "-o", tmp_path / "o").exit_code == 2   # streamed path too
    assert not (tmp_path / "o").exists()


def test_an_unrecognised_document_names_its_closest_shape(run, tmp_path):
    path = write_json(tmp_path / "x.json", {"Transcript": [{"ParticipantId": "AGENT",
                                                           "Text": "Hi"}]})
    result = run("audit", path)
    assert result.exit_code == 2
    assert "closest recognised shape: amazon-connect, which needs Transcript[].Content" \
        in result.stderr
    turns = write_json(tmp_path / "t.json", [{"conversation_id": "1", "speaker": "agent"}])
    result = run("audit", turns)
    assert result.exit_code == 2 and "no recognised export shape" in result.stderr
    assert "missing field 'text'" in result.stderr


def test_input_format_forces_a_reader_and_formats_lists_them(run, tmp_path):
    path = write_json(tmp_path / "x.json", {"entries": [{"role": "AGENT", "text": "Hi"}]})
    result = run("audit", path, "--input-format", "intercom")
    assert result.exit_code == 2
    assert "not a intercom document: it lacks source.body" in result.stderr
    assert "unknown input format 'nope'" in run("audit", path, "--input-format", "nope").stderr
    listing = run("formats").stdout
    for name in ("amazon-connect", "transcribe", "aws-pca", "google-ccai", "genesys", "intercom",
                 "zendesk-sunshine", "zendesk-comments", "twilio-conversations",
                 "twilio-intelligence", "liveperson", "freshdesk", "asapp", "webvtt", "srt",
                 "text", "csv", "json", "jsonl"):
        assert f"\n{name} " in "\n" + listing


def test_captions_join_one_speakers_cues_and_directories_skip_notes(run, tmp_path):
    write(tmp_path / "calls" / "a.vtt", "WEBVTT\n\nNOTE made by hand\n\n"
          "00:01.000 --> 00:02.000\n<v Agent>Hello, how can I help?\n\n"
          "00:02.000 --> 00:03.000\n<v Customer>My parcel is lost.\n\n"
          "00:03.000 --> 00:04.000\n<v Customer>It was <i>a gift</i> &amp; late.\n\n"
          "00:04.000 --> 00:05.000\nIt was for my son.\n")
    write(tmp_path / "calls" / "README.md", "Agent: this is documentation, not a call\n")
    write(tmp_path / "calls" / "notes.txt", "Customer: neither is this\n")
    rows, result = audit_rows(run, tmp_path, tmp_path / "calls")
    assert [(r["speaker"], r["text"], r["source_line"]) for r in rows] == [
        (A, "Hello, how can I help?", "5"),
        (C, "My parcel is lost. It was a gift & late. It was for my son.", "8")]
    assert "ignored 2 file(s)" in result.stderr + result.stdout


def test_plain_text_with_markdown_and_separators(run, tmp_path):
    path = write(tmp_path / "chat.md", "# Transcript\n\n> **Agent**: Hi there!\\\n"
                 "> **Customer:** My bill is wrong.\n  It doubled.\n\n---\n\n"
                 "*Agent*: Second call.\nCustomer: Thanks\n")
    conversations, report = load([path])
    assert [(c.conversation_id, [(t.speaker, t.text, t.line) for t in c.turns])
            for c in conversations] == [
        ("chat", [(A, "Hi there!", 3), (C, "My bill is wrong.\nIt doubled.", 4)]),
        ("chat-2", [(A, "Second call.", 9), (C, "Thanks", 10)])]
    assert [(s.line, s.reason) for s in report.skipped] == [
        (1, "text before the first 'Speaker: text' line")]
    readme = write(tmp_path / "README.txt", "Just some prose.\nNo speakers here.\n")
    result = run("audit", readme)
    assert result.exit_code == 2 and "no 'Speaker: text' line" in result.stderr


def test_a_third_party_adapter_registers_in_the_same_registry(tmp_path):
    from empathy_audit.loading import adapters

    def read(doc):
        for i, line in enumerate(doc.value["log"]):
            yield doc.turn(line, conversation_id="log", speaker=line["who"], text=line["said"])

    adapter = adapters.Adapter("test-log", "a test shape: log[] with who and said", read,
                               needs=("log[].who", "log[].said"))
    adapters.adapters()   # bundled ones first
    adapters.register(adapter)
    try:
        path = write_json(tmp_path / "l.json", {"log": [{"who": "agent", "said": "Hi"}]})
        conversations, _ = load([path])
        assert [(t.speaker, t.text, t.line) for t in conversations[0].turns] == [
            (A, "Hi", 3)]
    finally:
        del adapters.REGISTRY["test-log"]


def test_redact_refuses_captions_and_text_it_cannot_rewrite(run, tmp_path):
    path = write(tmp_path / "call.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Agent>Hi Bob\n")
    result = run("redact", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{path}: redact reads CSV, JSON and JSON Lines only" in result.stderr
