// The file modes (dummy-once, dummy-loop / dummy): a device whose data comes from a `.dev` dump or a
// `.seq` sequence, as NUT's dummy-ups simulates it.
//
// open():  publishes ups.mfr "Dummy Manufacturer", ups.model "Dummy UPS", ups.status "OL" (the file
//          may override them), advertises the instant command load.off, reads the file and applies
//          its first step. A missing file fails open() with NUTPP_E_NO_DEVICE (the host retries).
// poll():  re-reads the file when it changed on disk (inode, size or mtime; the step sequence then
//          restarts from the top), applies the steps that are due (see sequence.hpp) and shortens
//          the host's poll interval while a TIMER is pending, so steps land on time without
//          sleeping. A file that disappears keeps the last data (dummy-ups does the same).
//          The file's directory is watched with inotify (through the host's watch_fd), so an edit,
//          a rewrite or a rename over the file wakes poll() at once instead of at the next
//          interval; without inotify (or if it fails) the poll interval alone finds changes.
// setvar:  applies the value (an empty one deletes the variable) and returns OK; in dummy-loop mode
//          the next pass over the file overwrites it, as in dummy-ups.
// instcmd: NUTPP_E_UNSUPPORTED for everything, load.off included (dummy-ups answers "unknown").
#pragma once

#include <nutpp/driver.hpp>

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>

#include "publisher.hpp"
#include "sequence.hpp"
#include "sim_config.hpp"
#include "sim_mode.hpp"

namespace nutpp::sim {

// Identity of a file's content on disk, to notice edits and replacements.
struct FileStamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileStamp &) const = default;
};
std::optional<FileStamp> stamp_of(const std::string &path);

class FileSim : public SimMode {
public:
    using Clock = Sequence::Clock;

    // `base_poll_ms`: the host's poll interval, restored when no TIMER is pending.
    FileSim(Host host, SimConfig config, uint32_t base_poll_ms);
    ~FileSim() override; // closes the inotify fd if close() was not called

    nutpp_status open() override;
    nutpp_status poll(uint32_t wake_reasons) override;
    nutpp_status instcmd(const char *cmd, const char *arg) override;
    nutpp_status setvar(const char *name, const char *value) override;
    void close() override;

private:
    // Loads the file; on failure returns the status to report (set_error done) and keeps the old one.
    nutpp_status load(Clock::time_point now);
    void apply(const std::vector<Sequence::Event> &events);
    void pace(Clock::time_point now);
    void log_issues(const DevFile &f);
    void start_watch();   // inotify on the file's directory; silently falls back to polling
    void stop_watch();
    void drain_watch();

    Host host_;
    SimConfig config_;
    Publisher pub_;
    Sequence seq_;
    std::shared_ptr<const DevFile> file_;
    std::optional<FileStamp> stamp_;
    bool vanished_logged_ = false;
    uint32_t base_poll_ms_;
    uint32_t current_poll_ms_;
    int inotify_fd_ = -1;
};

} // namespace nutpp::sim
