// parseconf tokenizer: NUT's quirks, limits, and independence from how bytes are chunked.
#include "common/parseconf.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using nutpp::common::encode;
using nutpp::common::LineTokenizer;
using nutpp::common::quote;
using nutpp::common::tokenize_line;
using Words = std::vector<std::string>;
using Lines = std::vector<LineTokenizer::Line>;

namespace {

Lines feed_all(std::string_view bytes, LineTokenizer t = LineTokenizer()) {
    Lines out;
    t.feed(bytes, out);
    return out;
}

Lines feed_bytewise(std::string_view bytes) {
    LineTokenizer t;
    Lines out;
    for (char c : bytes) t.feed(std::string_view(&c, 1), out);
    return out;
}

// Parses one newline-terminated line both ways and checks both agree.
Words words_of(std::string_view bytes) {
    const Lines a = feed_all(bytes);
    const Lines b = feed_bytewise(bytes);
    EXPECT_EQ(a.size(), 1u) << "input: " << bytes;
    EXPECT_EQ(b.size(), a.size());
    if (a.size() != 1 || b.size() != 1) return {"<wrong line count>"};
    EXPECT_FALSE(a[0].error) << a[0].error_text;
    EXPECT_EQ(a[0].words, b[0].words);
    return a[0].words;
}

} // namespace

TEST(Parseconf, SplitsOnAnyWhitespace) {
    EXPECT_EQ(words_of("GET VAR ups ups.status\n"), (Words{"GET", "VAR", "ups", "ups.status"}));
    EXPECT_EQ(words_of("GET  VAR   dummy\tups.status\n"), (Words{"GET", "VAR", "dummy", "ups.status"}));
    EXPECT_EQ(words_of("GET VAR dummy ups.status\r\n"), (Words{"GET", "VAR", "dummy", "ups.status"}));
    EXPECT_EQ(words_of("  \v\fLIST UPS  \r\n"), (Words{"LIST", "UPS"}));
}

TEST(Parseconf, QuotesGroupAndAreRemoved) {
    EXPECT_EQ(words_of("VAR u x \"a b  c\"\n"), (Words{"VAR", "u", "x", "a b  c"}));
    EXPECT_EQ(words_of("GET VAR \"dummy\" \"ups.status\"\n"), (Words{"GET", "VAR", "dummy", "ups.status"}));
    EXPECT_EQ(words_of("SET VAR u x \"\"\n"), (Words{"SET", "VAR", "u", "x", ""}));
}

TEST(Parseconf, QuoteInsideUnquotedWordIsLiteral) {
    EXPECT_EQ(words_of("ab\"cd\n"), (Words{"ab\"cd"}));
    EXPECT_EQ(words_of("\"ab\"cd\n"), (Words{"ab", "cd"}));
    EXPECT_EQ(words_of("\"a\"\"b\"\n"), (Words{"a", "b"}));
}

TEST(Parseconf, BackslashEscapesOutsideAndInsideQuotes) {
    EXPECT_EQ(words_of("embedded\\ space\n"), (Words{"embedded space"}));
    EXPECT_EQ(words_of("embedded\\\\backslash\n"), (Words{"embedded\\backslash"}));
    EXPECT_EQ(words_of("\"say \\\"hi\\\" \\\\ bye\"\n"), (Words{"say \"hi\" \\ bye"}));
    EXPECT_EQ(words_of("\"a\\#b\"\n"), (Words{"a#b"}));
    EXPECT_EQ(words_of("a\\#b\n"), (Words{"a#b"}));
    EXPECT_EQ(words_of("\\\"x\n"), (Words{"\"x"}));
}

TEST(Parseconf, BackslashNewlineJoinsLines) {
    EXPECT_EQ(words_of("abc\\\ndef\n"), (Words{"abcdef"}));
    EXPECT_EQ(words_of("\"abc\\\ndef\"\n"), (Words{"abcdef"}));
    EXPECT_EQ(words_of("a b\\\n c\n"), (Words{"a", "b", "c"}));
    // At a word start the continuation opens an (empty) word, exactly like NUT's collectliteral.
    EXPECT_EQ(words_of("a \\\n b\n"), (Words{"a", "", "b"}));
}

TEST(Parseconf, UnquotedHashStartsComment) {
    EXPECT_EQ(words_of("GET VAR u ups.status # c\n"), (Words{"GET", "VAR", "u", "ups.status"}));
    EXPECT_EQ(words_of("abc#def ghi\n"), (Words{"abc"}));
    EXPECT_EQ(words_of("# only a comment \"with # quotes\n"), Words{});
}

TEST(Parseconf, HashInsideQuotesIsAnErrorLineAndRestOfLineIsSkipped) {
    const std::string in = "SET VAR u x \"a#b\" more\nGET VAR u y\n";
    for (const Lines &lines : {feed_all(in), feed_bytewise(in)}) {
        ASSERT_EQ(lines.size(), 2u);
        EXPECT_TRUE(lines[0].error);
        EXPECT_TRUE(lines[0].words.empty());
        EXPECT_NE(lines[0].error_text.find("#"), std::string::npos);
        EXPECT_FALSE(lines[1].error);
        EXPECT_EQ(lines[1].words, (Words{"GET", "VAR", "u", "y"}));
    }
}

TEST(Parseconf, ErrorLineIsEmittedBeforeTheNewlineArrives) {
    LineTokenizer t;
    Lines out;
    t.feed("GET \"#", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].error);
    t.feed(" still skipped \"", out);
    EXPECT_EQ(out.size(), 1u);
    t.feed("\nLIST UPS\n", out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].words, (Words{"LIST", "UPS"}));
}

TEST(Parseconf, EqualsIsSplitOffAsItsOwnWord) {
    EXPECT_EQ(words_of("driver = usbhid-ups\n"), (Words{"driver", "=", "usbhid-ups"}));
    EXPECT_EQ(words_of("driver=usbhid-ups\n"), (Words{"driver", "=", "usbhid-ups"}));
    EXPECT_EQ(words_of("=x\n"), (Words{"=", "x"}));
    EXPECT_EQ(words_of("a==b\n"), (Words{"a", "=", "=", "b"}));
    EXPECT_EQ(words_of("a\\=b\n"), (Words{"a=b"}));
    EXPECT_EQ(words_of("\"a=b\"\n"), (Words{"a=b"}));
}

TEST(Parseconf, NewlineInsideQuotesDoesNotEndTheLine) {
    LineTokenizer t;
    Lines out;
    t.feed("GET VAR dummy \"ups.status\n", out);
    EXPECT_TRUE(out.empty());
    t.feed("GET VAR dummy ups.status\n", out);
    EXPECT_TRUE(out.empty()); // still inside the quote, like real upsd
    t.feed("\"\n", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].words, (Words{"GET", "VAR", "dummy", "ups.statusGET VAR dummy ups.status"}));
}

TEST(Parseconf, ControlAndHighBytesAreDroppedFromWords) {
    EXPECT_EQ(words_of("\"a\tb\rc\"\n"), (Words{"abc"}));
    EXPECT_EQ(words_of("caf\xc3\xa9\n"), (Words{"caf"}));
    EXPECT_EQ(words_of("a\x7f\n"), (Words{"a\x7f"})); // DEL passes NUT's filter
    EXPECT_EQ(words_of("a\\\tb\n"), (Words{"ab"}));

    LineTokenizer utf8(32, 512, false);
    const Lines l = feed_all("desc = \"B\xc3\xbcro\tA\"\n", utf8);
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].words, (Words{"desc", "=", "B\xc3\xbcroA"}));
}

TEST(Parseconf, EmptyAndBlankLinesGiveZeroWords) {
    const Lines l = feed_all("\n   \n# c\n\r\n");
    ASSERT_EQ(l.size(), 4u);
    for (const auto &line : l) {
        EXPECT_FALSE(line.error);
        EXPECT_TRUE(line.words.empty());
    }
}

TEST(Parseconf, PipelinedLinesComeOutInOrder) {
    const std::string in = "GET VAR dummy ups.load\nGET VAR dummy ups.load\nLIST UPS\n";
    for (const Lines &l : {feed_all(in), feed_bytewise(in)}) {
        ASSERT_EQ(l.size(), 3u);
        EXPECT_EQ(l[2].words, (Words{"LIST", "UPS"}));
    }
}

TEST(Parseconf, WordLimitIsAnErrorLine) {
    std::string ok;
    for (int i = 0; i < 32; ++i) ok += "w ";
    ok += "\n";
    EXPECT_EQ(words_of(ok).size(), 32u);

    const std::string bad = "w " + ok + "NEXT\n";
    for (const Lines &l : {feed_all(bad), feed_bytewise(bad)}) {
        ASSERT_EQ(l.size(), 2u);
        EXPECT_TRUE(l[0].error);
        EXPECT_TRUE(l[0].words.empty());
        EXPECT_NE(l[0].error_text.find("32"), std::string::npos);
        EXPECT_EQ(l[1].words, Words{"NEXT"});
    }
}

TEST(Parseconf, WordLengthLimitIsAnErrorLine) {
    const std::string w512(512, 'x');
    EXPECT_EQ(words_of("a " + w512 + "\n"), (Words{"a", w512}));
    const std::string bad = "a \"" + std::string(513, 'x') + "\" b\nok\n";
    for (const Lines &l : {feed_all(bad), feed_bytewise(bad)}) {
        ASSERT_EQ(l.size(), 2u);
        EXPECT_TRUE(l[0].error);
        EXPECT_NE(l[0].error_text.find("512"), std::string::npos);
        EXPECT_EQ(l[1].words, Words{"ok"});
    }
}

TEST(Parseconf, PendingBufferStaysBoundedOnEndlessInput) {
    LineTokenizer t;
    Lines out;
    const std::string chunk(4096, 'y');
    t.feed("\"", out); // an unterminated quote swallows newlines too
    for (int i = 0; i < 1000; ++i) {
        t.feed(chunk, out);
        t.feed(" \n", out);
    }
    EXPECT_TRUE(out.empty());
    EXPECT_LE(t.pending(), 33u * 512u);

    LineTokenizer words;
    for (int i = 0; i < 100000; ++i) words.feed("ab ", out);
    EXPECT_LE(words.pending(), 33u * 512u);
    words.feed("\n", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].error);
    EXPECT_EQ(words.pending(), 0u);
}

TEST(Parseconf, PendingCountsUnfinishedLineAndResetClears) {
    LineTokenizer t;
    Lines out;
    t.feed("GET VAR ab", out);
    EXPECT_EQ(t.pending(), 3u + 3u + 2u);
    t.reset();
    EXPECT_EQ(t.pending(), 0u);
    t.feed("x\n", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].words, Words{"x"});
}

TEST(Parseconf, FinishFlushesLastLineWithoutNewline) {
    LineTokenizer t;
    Lines out;
    t.feed("a b\nmaxretry = 3", out);
    t.finish(out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].words, (Words{"maxretry", "=", "3"}));

    out.clear();
    t.feed("x \"open", out);
    t.finish(out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].error);

    out.clear();
    t.feed("   # nothing", out);
    t.finish(out);
    EXPECT_TRUE(out.empty());
}

TEST(Parseconf, TokenizeLine) {
    EXPECT_EQ(tokenize_line("VAR dummy ups.status \"OL\"").words, (Words{"VAR", "dummy", "ups.status", "OL"}));
    EXPECT_EQ(tokenize_line("OK\n").words, Words{"OK"});
    EXPECT_TRUE(tokenize_line("").words.empty());
    EXPECT_FALSE(tokenize_line("").error);
    EXPECT_TRUE(tokenize_line("VAR x \"unterminated").error);
    EXPECT_TRUE(tokenize_line("a\nb").error);
    EXPECT_TRUE(tokenize_line("a \"#\"").error);
}

TEST(Parseconf, EncodeEscapesBackslashQuoteHash) {
    EXPECT_EQ(encode("plain text"), "plain text");
    EXPECT_EQ(encode("say \"hi\" \\ #1"), "say \\\"hi\\\" \\\\ \\#1");
    EXPECT_EQ(quote("a\"b"), "\"a\\\"b\"");
    EXPECT_EQ(quote(""), "\"\"");
}

TEST(Parseconf, EncodeRoundTripsThroughTokenizer) {
    for (std::string v : {"", "x", "a b", "q\"uote", "back\\slash", "#hash#", "\\\"#=", "trailing\\"}) {
        const auto line = tokenize_line("VAR u k " + quote(v));
        ASSERT_FALSE(line.error) << v;
        ASSERT_EQ(line.words.size(), 4u) << v;
        EXPECT_EQ(line.words[3], v);
    }
}

// The fast path must agree with feed() wherever it says yes, and say no wherever the full rules
// would do anything but split on whitespace (or where a limit turns the line into an error).
TEST(Parseconf, SplitPlainAgreesWithFeedOrDeclines) {
    const std::vector<std::string> lines = {
        "GET VAR demo battery.charge", "  LIST   VAR\tdemo  ", "", "   ", "GET VAR demo ups.status\r",
        "SET VAR a b=c", "USERNAME \"x y\"", "PASSWORD a\\b", "GET VAR x # comment", "LIST UPS \x01",
        "VER \x7f", "GET VAR d\xc3\xa9mo x",
        std::string(512, 'w'), std::string(513, 'w'),
    };
    std::string many;
    for (int i = 0; i < 33; ++i) many += "w ";
    std::vector<std::string> all = lines;
    all.push_back(many);
    all.push_back(many.substr(0, 64)); // 32 words: still within the limit
    const std::vector<bool> plain = {true, true, true, true, true, false, false, false, false, false,
                                     true, false, true, false, false, true};
    ASSERT_EQ(plain.size(), all.size());
    for (size_t i = 0; i < all.size(); ++i) {
        LineTokenizer t;
        std::vector<std::string_view> views;
        const bool fast = t.split_plain(all[i], views);
        EXPECT_EQ(fast, plain[i]) << "line " << i;
        if (!fast) continue;
        const Lines slow = feed_all(all[i] + "\n");
        ASSERT_EQ(slow.size(), 1u);
        ASSERT_FALSE(slow[0].error) << i;
        EXPECT_EQ(Words(views.begin(), views.end()), slow[0].words) << "line " << i;
    }
}

TEST(Parseconf, SplitPlainDeclinesWhileALineIsHalfFed) {
    LineTokenizer t;
    Lines out;
    t.feed("GET VAR \"demo", out); // inside quotes: the next bytes belong to this line
    std::vector<std::string_view> views;
    EXPECT_FALSE(t.split_plain("ups.status", views));
}
