// The .dev/.seq parser: tokenizing rules, line rules, annotations, and every real DDL file.
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "dev_file.hpp"
#include "test_util.hpp"

using namespace nutpp::sim;
using nutpp::test::TempDir;

namespace {

std::vector<std::string> words_of(std::string_view line) {
    auto lines = tokenize(line);
    if (lines.empty()) return {};
    return lines[0].tokens.words;
}

const Item &only_item(const DevFile &f) {
    EXPECT_EQ(f.steps.size(), 1u);
    EXPECT_EQ(f.steps[0].items.size(), 1u);
    return f.steps.at(0).items.at(0);
}

} // namespace

TEST(DevFileTokenize, SplitsOnWhitespaceRuns) {
    EXPECT_EQ(words_of("ups.firmware:  6.5.I \t x\r"), (std::vector<std::string>{"ups.firmware:", "6.5.I", "x"}));
}

TEST(DevFileTokenize, HashStartsCommentEvenInsideAWord) {
    EXPECT_EQ(words_of("battery.runtime: 65535\t#BAD: overflow?"),
              (std::vector<std::string>{"battery.runtime:", "65535"}));
    EXPECT_EQ(words_of("a: b#c d"), (std::vector<std::string>{"a:", "b"}));
    EXPECT_TRUE(tokenize("# only a comment\n   \n").empty());
}

TEST(DevFileTokenize, QuotesGroupAndBackslashEscapes) {
    EXPECT_EQ(words_of(R"(x: "a  b" c)"), (std::vector<std::string>{"x:", "a  b", "c"}));
    EXPECT_EQ(words_of(R"(x: a\ b \#1 "q\"uote")"), (std::vector<std::string>{"x:", "a b", "#1", "q\"uote"}));
    EXPECT_EQ(words_of(R"(x: "")"), (std::vector<std::string>{"x:", ""}));
}

TEST(DevFileTokenize, EqualsSignIsOrdinary) {
    EXPECT_EQ(words_of("ups.id: a=b"), (std::vector<std::string>{"ups.id:", "a=b"}));
}

TEST(DevFileTokenize, HashInsideQuotesIsAnErrorLine) {
    auto lines = tokenize("x: \"a # b\"\ny: 1\n");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_TRUE(lines[0].tokens.error);
    EXPECT_FALSE(lines[1].tokens.error);
    EXPECT_EQ(lines[1].line, 2);
}

TEST(DevFileTokenize, UnterminatedQuoteEndsAtEndOfLine) {
    auto lines = tokenize("x: \"abc\ny: 2\n");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_TRUE(lines[0].tokens.unterminated);
    EXPECT_EQ(lines[0].tokens.words, (std::vector<std::string>{"x:", "abc"}));
    EXPECT_EQ(lines[1].tokens.words, (std::vector<std::string>{"y:", "2"}));
}

TEST(DevFileTokenize, BackslashNewlineJoinsLinesAndKeepsStartLine) {
    auto lines = tokenize("\n\nx: a\\\nb\nz: 3");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].line, 3);
    EXPECT_EQ(lines[0].tokens.words, (std::vector<std::string>{"x:", "ab"}));
    EXPECT_EQ(lines[1].line, 5);
}

TEST(DevFileParse, NameValueLines) {
    auto f = parse_dev("ups.test.result:   No   test initiated  \n");
    const Item &it = only_item(f);
    EXPECT_EQ(it.name, "ups.test.result");
    EXPECT_EQ(it.value, "No test initiated");
    EXPECT_EQ(it.line, 1);
    EXPECT_TRUE(f.issues.empty());
}

TEST(DevFileParse, GluedValueAndEmptyValue) {
    auto f = parse_dev("ups.status:OB LB\nups.macaddr: \nbattery.protection:\n");
    ASSERT_EQ(f.steps[0].items.size(), 3u);
    EXPECT_EQ(f.steps[0].items[0].name, "ups.status");
    EXPECT_EQ(f.steps[0].items[0].words, (std::vector<std::string>{"OB", "LB"}));
    EXPECT_EQ(f.steps[0].items[1].value, "");
    EXPECT_TRUE(f.steps[0].items[1].words.empty());
    EXPECT_EQ(f.steps[0].items[2].name, "battery.protection");
    EXPECT_EQ(f.variable_count(), 3u);
}

TEST(DevFileParse, TimerSplitsSteps) {
    auto f = parse_dev("ups.status: OL\nTIMER 5\nups.status: OB\ntimer 0.25\nups.status: OL\nTIMER 60\n");
    ASSERT_EQ(f.steps.size(), 4u);
    EXPECT_EQ(f.steps[0].timer_seconds, 5.0);
    EXPECT_EQ(f.steps[0].timer_line, 2);
    EXPECT_EQ(f.steps[1].timer_seconds, 0.25);
    EXPECT_EQ(f.steps[2].timer_seconds, 60.0);
    EXPECT_FALSE(f.steps[3].timer_seconds.has_value());
    EXPECT_TRUE(f.steps[3].items.empty());
    EXPECT_EQ(f.initial_variable_count(), 1u);
    EXPECT_EQ(f.variable_count(), 3u);
    EXPECT_TRUE(f.has_timers());
}

TEST(DevFileParse, BadTimersAreRepairedAndReported) {
    auto f = parse_dev("TIMER\nTIMER abc\nTIMER -3\nTIMER 1e30\n");
    ASSERT_EQ(f.steps.size(), 5u);
    EXPECT_EQ(f.steps[0].timer_seconds, 0.0);
    EXPECT_EQ(f.steps[1].timer_seconds, 0.0);
    EXPECT_EQ(f.steps[2].timer_seconds, 0.0);
    EXPECT_GT(*f.steps[3].timer_seconds, 1e6);
    EXPECT_LT(*f.steps[3].timer_seconds, 1e9);
    EXPECT_EQ(f.issues.size(), 4u);
    EXPECT_EQ(f.issues[2].line, 3);
}

TEST(DevFileParse, AlarmInstruction) {
    auto f = parse_dev("ALARM [UPS too warm to charge]\nALARM\n");
    ASSERT_EQ(f.steps[0].items.size(), 2u);
    EXPECT_EQ(f.steps[0].items[0].kind, Item::Kind::Alarm);
    EXPECT_EQ(f.steps[0].items[0].value, "[UPS too warm to charge]");
    EXPECT_TRUE(f.steps[0].items[1].words.empty());
    EXPECT_EQ(f.variable_count(), 0u);
}

TEST(DevFileParse, MalformedLinesAreSkippedWithLineNumbers) {
    auto f = parse_dev("good.one: 1\nReport Descriptor (12 bytes) => 05 84\nbad/name: 2\n: 3\nx: \"a#b\"\n"
                       "good.two: 2\n");
    ASSERT_EQ(f.steps[0].items.size(), 2u);
    EXPECT_EQ(f.steps[0].items[1].name, "good.two");
    ASSERT_EQ(f.issues.size(), 4u);
    EXPECT_EQ(f.issues[0].line, 2);
    EXPECT_NE(f.issues[0].message.find("name: value"), std::string::npos);
    EXPECT_EQ(f.issues[1].line, 3);
    EXPECT_EQ(f.issues[2].line, 4);
    EXPECT_EQ(f.issues[3].line, 5);
}

TEST(DevFileParse, Annotations) {
    auto f = parse_dev("#RW:battery.charge.low:STRING:10\n"
                       "#RW:input.sensitivity:ENUM:\"H M\"\n"
                       "  #RW:battery.date:STRING\n"
                       "#CMD:shutdown.stop\t#COMMENT: Stop only 'shutdown.return'\n"
                       "# DEVICE:URL:REPORT: https://example.org\n"
                       "#CMD:\n");
    ASSERT_EQ(f.annotations.size(), 4u);
    EXPECT_EQ(f.annotations[0].name, "battery.charge.low");
    EXPECT_EQ(f.annotations[0].type, "STRING");
    EXPECT_EQ(f.annotations[0].arg, "10");
    EXPECT_EQ(f.annotations[1].type, "ENUM");
    EXPECT_EQ(f.annotations[1].arg, "H M");
    EXPECT_EQ(f.annotations[2].arg, "");
    EXPECT_EQ(f.annotations[2].line, 3);
    EXPECT_EQ(f.annotations[3].kind, Annotation::Kind::Cmd);
    EXPECT_EQ(f.annotations[3].name, "shutdown.stop");
    EXPECT_EQ(f.variable_count(), 0u);
}

TEST(DevFileParse, LongWordsAndBinaryDoNotCrash) {
    std::string text = "x: " + std::string(kMaxWordBytes + 10, 'a') + "\ny: ok\n";
    auto f = parse_dev(text);
    ASSERT_EQ(f.variable_count(), 1u);
    EXPECT_EQ(f.steps[0].items[0].name, "y");
    EXPECT_EQ(f.issues.size(), 1u);

    // Deterministic garbage: any bytes must parse without throwing or hanging.
    std::mt19937 rng(1234);
    for (int round = 0; round < 200; ++round) {
        std::string junk(size_t(rng() % 2000), '\0');
        for (auto &c : junk) c = char(rng() % 256);
        if (round % 3 == 0) junk += "\nups.status: OL\n";
        EXPECT_NO_THROW({
            auto g = parse_dev(junk);
            EXPECT_FALSE(g.steps.empty());
        });
    }
}

TEST(DevFileLoad, MissingFileAndDirectory) {
    TempDir dir;
    std::string error;
    int e = 0;
    const std::string missing = (dir.path() / "nope.dev").string();
    EXPECT_FALSE(load_dev_file(missing, error, e).has_value());
    EXPECT_EQ(e, ENOENT);
    EXPECT_NE(error.find(missing), std::string::npos);

    EXPECT_FALSE(load_dev_file(dir.path().string(), error, e).has_value());
    EXPECT_EQ(e, EISDIR);

    const auto ok = dir.write("a.dev", "ups.load: 5");
    auto f = load_dev_file(ok, error, e);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->steps[0].items[0].value, "5");
}

// ------------------------------------------------------------------------------------------------
// Every file of the shared DDL sample set.

class DdlFiles : public ::testing::Test {
protected:
    static std::string dir() { return NUTPP_TESTDATA_DIR "/ddl"; }
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(dir() + "/index.csv")) << "no test data at " << dir();
    }
};

TEST_F(DdlFiles, IndexCoversEveryFile) {
    std::set<std::string> indexed;
    for (const auto &e : nutpp::test::read_ddl_index(dir())) indexed.insert(e.file);
    size_t data_files = 0;
    for (const auto &p : std::filesystem::directory_iterator(dir())) {
        const auto ext = p.path().extension();
        if (ext != ".dev" && ext != ".seq") continue;
        ++data_files;
        EXPECT_TRUE(indexed.count(p.path().filename().string())) << p.path();
    }
    EXPECT_EQ(data_files, indexed.size());
    EXPECT_GE(data_files, 50u);
}

// index.csv counts "name: value" lines of the initial block, but its counting missed names with a
// '-' (the three-phase "L1-N" voltages): 9 such lines in each of these four files.
const std::map<std::string, size_t> kHyphenatedNameFiles = {
    {"Eaton__93PM__snmp-ups__2.7.4__01.dev", 9},
    {"Eaton__BladeUPS_PXGX_UPS__snmp-ups__2.7.4__01.dev", 9},
    {"NetVision__U4BC02CB00NY100__snmp-ups__2.7.4__01.dev", 9},
    {"Riello__MPT60__riello_ser__2.6.5__01.dev", 9},
};

TEST_F(DdlFiles, EveryFileLoadsWithAllItsVariables) {
    for (const auto &e : nutpp::test::read_ddl_index(dir())) {
        SCOPED_TRACE(e.file);
        std::string error;
        int err = 0;
        auto f = load_dev_file(dir() + "/" + e.file, error, err);
        ASSERT_TRUE(f.has_value()) << error;
        EXPECT_TRUE(f->issues.empty()) << "line " << f->issues[0].line << ": " << f->issues[0].message;

        size_t hyphenated = 0;
        for (const auto &it : f->steps[0].items) hyphenated += it.name.find('-') != std::string::npos;
        auto special = kHyphenatedNameFiles.find(e.file);
        const size_t expected_hyphenated = special == kHyphenatedNameFiles.end() ? 0 : special->second;
        EXPECT_EQ(hyphenated, expected_hyphenated);
        EXPECT_EQ(f->initial_variable_count(), e.num_variables + expected_hyphenated);

        // ups.status as the index recorded it (epdu-managed.dev has an empty one).
        std::string status = "<absent>";
        for (const auto &it : f->steps[0].items)
            if (it.name == "ups.status") status = it.value;
        EXPECT_EQ(status, e.ups_status);
    }
}

TEST_F(DdlFiles, SpotValues) {
    std::string error;
    int err = 0;
    auto value_of = [&](const std::string &file, const std::string &name) {
        auto f = load_dev_file(dir() + "/" + file, error, err);
        EXPECT_TRUE(f.has_value()) << error;
        std::string v = "<absent>";
        if (f)
            for (const auto &it : f->steps[0].items)
                if (it.name == name) v = it.value;
        return v;
    };
    EXPECT_EQ(value_of("APC__Back-UPS_CS_500__usbhid-ups__2.8.0__01.dev", "ups.firmware"), "6.5.I");
    EXPECT_EQ(value_of("APC__Back-UPS_CS_500__usbhid-ups__2.8.0__01.dev", "ups.firmware.aux"), "c1");
    EXPECT_EQ(value_of("APC__Smart-UPS_X_750__usbhid-ups__2.7.4__01.dev", "battery.runtime"), "65535");
    EXPECT_EQ(value_of("APC__Smart-UPS_5000_RM__snmp-ups__2.8.0__01.dev", "device.location"),
              "D0 A1 D0 B5 D1 80 D0 B2 D0 B5 D1 80 D0 BD D0 B0 D1 8F");
    EXPECT_EQ(value_of("Tripp_Lite__G1010USB__usbhid-ups__2.4.3__01.dev", "ups.alarm"), "No battery installed!");
    EXPECT_EQ(value_of("Riello__MPT60__riello_ser__2.6.5__01.dev", "device.model"), "");
    EXPECT_EQ(value_of("Eaton__93PM__snmp-ups__2.7.4__01.dev", "device.serial"), "ID: esa, Msg: XXXXXXXXXX");
}

TEST_F(DdlFiles, EvolutionSequenceSteps) {
    std::string error;
    int err = 0;
    auto f = load_dev_file(dir() + "/evolution500.seq", error, err);
    ASSERT_TRUE(f.has_value()) << error;
    ASSERT_EQ(f->steps.size(), 4u);
    EXPECT_EQ(f->steps[0].timer_seconds, 300.0);
    EXPECT_EQ(f->steps[1].timer_seconds, 300.0);
    EXPECT_EQ(f->steps[2].timer_seconds, 60.0);
    ASSERT_EQ(f->steps[1].items.size(), 1u);
    EXPECT_EQ(f->steps[1].items[0].words, (std::vector<std::string>{"OB", "DISCHRG"}));
    EXPECT_EQ(f->steps[2].items[0].value, "OB LB DISCHRG");
    EXPECT_TRUE(f->steps[3].items.empty());
}

TEST_F(DdlFiles, AnnotationsAcrossTheSet) {
    size_t rw = 0, cmd = 0;
    for (const auto &e : nutpp::test::read_ddl_index(dir())) {
        std::string error;
        int err = 0;
        auto f = load_dev_file(dir() + "/" + e.file, error, err);
        ASSERT_TRUE(f.has_value());
        for (const auto &a : f->annotations) (a.kind == Annotation::Kind::Rw ? rw : cmd)++;
    }
    EXPECT_EQ(rw, 91u);  // grep -c '^#RW:' over the set
    EXPECT_EQ(cmd, 128u); // grep -c '^#CMD:'
}
