// Append-only journal file with torn-line recovery.
#include "sweep/sweep_journal.h"
#include "util/json_depth.h"
#include "util/shown_text.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace axbnn {
namespace {

// A header line as JSON, or a discarded value when it is not (or nested too deep).
nlohmann::json shallowJson(std::string_view line)
{
    try {
        checkJsonDepth(line, "");
    } catch (const std::runtime_error&) {
        return nlohmann::json(nlohmann::json::value_t::discarded);
    }
    return nlohmann::json::parse(line, nullptr, false);
}

// Compared as a value: value("journal", "") throws when it is not a string.
bool isJournalHeader(const nlohmann::json& h)
{
    return h.is_object() && h.contains("journal") && h["journal"] == "axbnn-sweep";
}

nlohmann::ordered_json headerJson(const SweepJournalHeader& h)
{
    return {{"journal", "axbnn-sweep"},
            {"version", 1},
            {"spec_hash", h.specHash},
            {"points", h.points},
            {"shard", std::to_string(h.shardIndex) + "/" + std::to_string(h.shardCount)}};
}

// What differs between a journal's header and this run's, field by field:
// "points 3 (this run: 2)". Empty when the fields agree (only the layout differs).
std::string headerDifference(const nlohmann::json& found, const nlohmann::ordered_json& expected)
{
    std::string out;
    for (const auto& [key, want] : expected.items()) {
        const auto it = found.find(key);
        const std::string have = it == found.end() ? std::string("missing") : shownText(it->dump());
        if (it == found.end() || *it != nlohmann::json(want))
            out += (out.empty() ? "" : ", ") + key + " " + have + " (this run: " + want.dump() + ")";
    }
    for (const auto& [key, value] : found.items())
        if (!expected.contains(key))
            out += (out.empty() ? "" : ", ") + std::string("unknown key ") + shownText(key);
    return out;
}

std::runtime_error ioError(const std::string& path, const char* what)
{
    return std::runtime_error(path + ": cannot " + what + " the sweep journal (" + std::strerror(errno) + ")");
}

} // namespace

SweepJournal::SweepJournal(const std::string& path, const SweepJournalHeader& header, bool restart) : path_(path)
{
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw ioError(path, "open");
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ::close(fd_);
            throw ioError(path, "read");
        }
        if (n == 0)
            break;
        text.append(buf, static_cast<size_t>(n));
    }
    const std::string expected = headerJson(header).dump();
    const size_t headerEnd = text.find('\n');
    size_t good = 0; // bytes of whole lines to keep
    // --restart discards sweep journals only (of any run, torn ones too):
    // a file at this name that is anything else is never truncated.
    if (restart && !text.empty()) {
        static const std::string kStart = R"({"journal":"axbnn-sweep")";
        const std::string first = text.substr(0, headerEnd);
        const nlohmann::json h = shallowJson(first);
        const bool journal = isJournalHeader(h)
            || (headerEnd == std::string::npos && (kStart.rfind(text, 0) == 0 || text.rfind(kStart, 0) == 0));
        if (!journal) {
            ::close(fd_);
            throw std::runtime_error(path
                                     + ": exists and is not a sweep journal, so --restart keeps it; remove it "
                                       "or choose another --out");
        }
    }
    if (!restart && headerEnd == std::string::npos && expected.rfind(text, 0) != 0) {
        ::close(fd_); // not a torn header of ours: never truncate someone else's file
        throw std::runtime_error(path + ": exists and is not a sweep journal; remove it or choose another --out");
    }
    if (!restart && headerEnd != std::string::npos) {
        const std::string found = text.substr(0, headerEnd);
        const nlohmann::json h = found == expected ? nlohmann::json() : shallowJson(found);
        // The same fields in another layout (spaces, key order) are the same run.
        const std::string difference = h.is_object() ? headerDifference(h, headerJson(header)) : std::string("?");
        if (found != expected && !difference.empty()) {
            ::close(fd_);
            const bool ours = isJournalHeader(h);
            throw std::runtime_error(path
                                     + (ours ? ": belongs to another run (its header has " + difference + ")"
                                             : ": exists and is not a sweep journal")
                                     + "; rerun with --restart to discard it, or choose another --out");
        }
        good = headerEnd + 1;
        size_t start = good;
        while (start < text.size()) {
            const size_t end = text.find('\n', start);
            const bool last = end == std::string::npos || end + 1 == text.size();
            try {
                if (end == std::string::npos)
                    throw std::invalid_argument("torn");
                const std::string line = text.substr(start, end - start);
                checkJsonDepth(line, path); // a deep line is a damaged one
                const auto j = nlohmann::json::parse(line);
                finished_.push_back(sweepRowFromJson(j, path));
            } catch (const std::exception& e) {
                if (!last) {
                    ::close(fd_);
                    throw std::runtime_error(path + ": line "
                                             + std::to_string(1 + std::count(text.begin(), text.begin() + start, '\n'))
                                             + " is damaged; rerun with --restart to recompute everything");
                }
                ++dropped_;
                break;
            }
            good = end + 1;
            start = good;
        }
    }
    if (good == 0) { // new, torn header, or restart
        if (::ftruncate(fd_, 0) != 0) {
            ::close(fd_);
            throw ioError(path, "reset");
        }
        ::lseek(fd_, 0, SEEK_SET);
        writeAll(expected + "\n");
        return;
    }
    if (good < text.size() && ::ftruncate(fd_, static_cast<off_t>(good)) != 0) {
        ::close(fd_);
        throw ioError(path, "repair");
    }
    ::lseek(fd_, static_cast<off_t>(good), SEEK_SET);
}

SweepJournal::~SweepJournal()
{
    if (fd_ >= 0)
        ::close(fd_);
}

void SweepJournal::writeAll(const std::string& text)
{
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw ioError(path_, "write");
        done += static_cast<size_t>(n);
    }
    if (::fdatasync(fd_) != 0)
        throw ioError(path_, "flush");
}

void SweepJournal::append(const SweepRow& row)
{
    writeAll(sweepRowJson(row, false).dump() + "\n");
}

} // namespace axbnn
