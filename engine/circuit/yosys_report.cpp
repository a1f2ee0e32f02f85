// Runs Yosys as a child process with a timeout and parses `stat -tech cmos`.
#include "circuit/yosys_report.h"

#include "circuit/verilog_writer.h"
#include "util/atomic_file.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace axbnn {

namespace fs = std::filesystem;

std::string findYosys()
{
    const char* path = std::getenv("PATH");
    if (!path)
        return {};
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (dir.empty())
            continue;
        const fs::path candidate = fs::path(dir) / "yosys";
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate.string();
    }
    return {};
}

namespace {

// Runs argv in `dir` with stdout/stderr to dir/yosys.log; kills it after
// timeoutSeconds. Returns the exit status, -1 on spawn failure, -2 on timeout.
int runWithTimeout(const std::vector<std::string>& args, const fs::path& dir, int timeoutSeconds)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = (dir / "yosys.log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    // Yosys resolves read_verilog paths against its working directory; spawn
    // from `dir` by giving absolute paths in the script instead of chdir.
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        return -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    int status = 0;
    while (true) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
        if (r < 0)
            return -1;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -2;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string readAll(const fs::path& p)
{
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

YosysReport runYosysReport(const Netlist& netlist, int timeoutSeconds)
{
    YosysReport r;
    const std::string yosys = findYosys();
    if (yosys.empty()) {
        r.message = "Yosys is not installed (no 'yosys' on PATH); the built-in cost model is unaffected";
        return r;
    }
    std::string pattern = (fs::temp_directory_path() / "axbnn-yosys-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
        r.message = "cannot create a temporary directory for Yosys";
        return r;
    }
    const fs::path dir = pattern;
    try {
        const fs::path v = dir / "popcount.v", stat = dir / "stat.txt";
        writeFileAtomically(v.string(), writeVerilog(netlist, "popcount"));
        r.script = "read_verilog " + v.string()
            + "; hierarchy -top popcount; flatten; proc; techmap; opt -fast; "
              "abc -g cmos -script +strash;map,-a; opt_clean; tee -q -o "
            + stat.string() + " stat -tech cmos";
        const int rc = runWithTimeout({yosys, "-q", "-p", r.script}, dir, timeoutSeconds);
        if (rc == -2) {
            r.message = "Yosys did not finish within " + std::to_string(timeoutSeconds) + " s and was stopped";
        } else if (rc != 0) {
            std::string log = readAll(dir / "yosys.log");
            if (log.size() > 400)
                log = log.substr(log.size() - 400);
            r.message = "Yosys failed (exit status " + std::to_string(rc) + "): " + log;
        } else {
            const std::string text = readAll(stat);
            std::smatch m;
            static const std::regex cells(R"(Number of cells:\s+(\d+))");
            static const std::regex transistors(R"(Estimated number of transistors:\s+(\d+))");
            static const std::regex gate(R"(^\s+(\$_\w+_)\s+(\d+)\s*$)");
            if (std::regex_search(text, m, cells))
                r.cellCount = std::stoi(m[1]);
            if (std::regex_search(text, m, transistors)) {
                r.transistors = std::stol(m[1]);
                r.ran = true;
            }
            std::istringstream lines(text);
            std::string line;
            while (std::getline(lines, line))
                if (std::regex_match(line, m, gate))
                    r.cells[m[1]] += std::stoi(m[2]);
            r.message =
                r.ran ? "Yosys abc -g cmos, stat -tech cmos" : "Yosys ran but its report has no transistor count";
        }
    } catch (const std::exception& e) {
        r.message = std::string("Yosys report failed: ") + e.what();
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    return r;
}

} // namespace axbnn
