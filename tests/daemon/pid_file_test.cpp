// PidFile and make_state_dir in-process: explicit modes under any umask, no symlink or hard link
// followed, the lock refuses a second holder (with the pid) and survives the holder's fork.
#include "daemon/pid_file.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using nutpp::daemon::PidFile;

namespace {

class PidFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nutpp-pidfile-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    static std::string slurp(const fs::path &p) {
        std::ifstream f(p);
        std::stringstream s;
        s << f.rdbuf();
        return s.str();
    }
    static unsigned mode_of(const fs::path &p) {
        struct stat st{};
        EXPECT_EQ(lstat(p.c_str(), &st), 0) << p;
        return st.st_mode & 07777;
    }
    fs::path dir_;
};

// Runs `fn` in a child and returns its exit code (the lock is per open file description, so a
// second acquire in this process would not conflict).
template <class F> int in_child(F fn) {
    const pid_t pid = fork();
    if (pid == 0) _exit(fn());
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

} // namespace

TEST_F(PidFileTest, ModesDoNotDependOnTheUmask) {
    const mode_t old = umask(0);
    nutpp::daemon::make_state_dir((dir_ / "run").string(), std::nullopt);
    PidFile pf = PidFile::acquire("prog", (dir_ / "run/prog.pid").string());
    umask(old);
    EXPECT_EQ(mode_of(dir_ / "run"), 0770u);
    EXPECT_EQ(mode_of(dir_ / "run/prog.pid"), 0644u);
    EXPECT_EQ(slurp(dir_ / "run/prog.pid"), std::to_string(getpid()) + "\n");
}

TEST_F(PidFileTest, SymlinkAtThePathIsNotFollowed) {
    std::ofstream(dir_ / "target") << "precious\n";
    fs::create_symlink(dir_ / "target", dir_ / "prog.pid");
    try {
        PidFile::acquire("prog", (dir_ / "prog.pid").string());
        FAIL() << "a symlinked pid file was accepted";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find("symbolic link"), std::string::npos) << e.what();
    }
    EXPECT_EQ(slurp(dir_ / "target"), "precious\n");
    EXPECT_TRUE(fs::is_symlink(dir_ / "prog.pid"));
}

TEST_F(PidFileTest, HardLinkIsRefused) {
    std::ofstream(dir_ / "target") << "precious\n";
    fs::create_hard_link(dir_ / "target", dir_ / "prog.pid");
    EXPECT_THROW(PidFile::acquire("prog", (dir_ / "prog.pid").string()), std::runtime_error);
    EXPECT_EQ(slurp(dir_ / "target"), "precious\n");
}

TEST_F(PidFileTest, SymlinkedStateDirIsRefused) {
    fs::create_directory(dir_ / "elsewhere");
    fs::create_directory_symlink(dir_ / "elsewhere", dir_ / "run");
    EXPECT_THROW(nutpp::daemon::make_state_dir((dir_ / "run").string(), std::nullopt), std::runtime_error);
}

TEST_F(PidFileTest, SecondHolderIsRefusedWithThePid) {
    const std::string path = (dir_ / "prog.pid").string();
    PidFile pf = PidFile::acquire("prog", path);
    const int rc = in_child([&] {
        try {
            PidFile::acquire("prog", path);
            return 1;
        } catch (const std::runtime_error &e) {
            const std::string want = "prog already running as PID " + std::to_string(getppid());
            return std::string(e.what()).find(want) == 0 ? 0 : 2;
        }
    });
    EXPECT_EQ(rc, 0) << "1: acquired twice, 2: wrong message";
    EXPECT_EQ(slurp(path), std::to_string(getpid()) + "\n") << "the refused instance must not touch the file";
    EXPECT_EQ(nutpp::daemon::locked_pid(path), getpid());
}

TEST_F(PidFileTest, StaleUnlockedFileIsNotRunning) {
    const std::string path = (dir_ / "prog.pid").string();
    std::ofstream(path) << "1234\n"; // left by a crash, or a removal that failed after dropping root
    EXPECT_EQ(nutpp::daemon::locked_pid(path), std::nullopt);
    PidFile pf = PidFile::acquire("prog", path);
    EXPECT_EQ(slurp(path), std::to_string(getpid()) + "\n");
    pf.release();
    EXPECT_FALSE(fs::exists(path));
}

// What detach() does: fork, the parent exits. The child must still hold the lock.
TEST_F(PidFileTest, LockSurvivesForkAndParentExit) {
    const std::string path = (dir_ / "prog.pid").string();
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    const pid_t first = fork();
    if (first == 0) {
        PidFile pf = PidFile::acquire("prog", path);
        const pid_t grandchild = fork();
        if (grandchild > 0) _exit(0); // the "parent" of detach() leaves, closing its copy
        pf.write_pid(getpid());
        (void)!write(ready[1], "x", 1);
        sleep(5);
        pf.release();
        _exit(0);
    }
    waitpid(first, nullptr, 0);
    char c;
    ASSERT_EQ(read(ready[0], &c, 1), 1);
    const auto holder = nutpp::daemon::locked_pid(path);
    ASSERT_TRUE(holder.has_value()) << "lock lost when the forking parent exited";
    EXPECT_NE(*holder, first);
    EXPECT_THROW(PidFile::acquire("prog", path), std::runtime_error);
    kill(*holder, SIGKILL);
    close(ready[0]);
    close(ready[1]);
}
