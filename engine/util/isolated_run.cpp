// fork(), a pipe for the child's messages, poll() with a deadline, SIGKILL
// on expiry. The pipe carries records "N<text>\0" (a note) and
// "E<text>\0" (the error message of work()), and "K\0" when work()
// returned: success needs that record as well as exit status 0.
#include "util/isolated_run.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

// Defined by the sanitizer runtimes only (weak: null in a normal build).
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace axbnn {

namespace {

int g_childFd = -1; // the child's end of the pipe; -1 in every other process

constexpr size_t kMaxRecord = 4096; // longer notes and messages are cut

void writeAll(int fd, const char* p, size_t n)
{
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= size_t(w);
    }
}

void sendRecord(char kind, const std::string& text)
{
    std::string record(1, kind);
    record.append(text, 0, std::min(text.size(), kMaxRecord));
    std::replace(record.begin(), record.end(), '\0', ' ');
    record.push_back('\0');
    writeAll(g_childFd, record.data(), record.size());
}

[[noreturn]] void childMain(int fd, const std::function<void()>& work)
{
    g_childFd = fd;
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS})
        std::signal(sig, SIG_DFL);
    sigset_t all;
    sigemptyset(&all);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS})
        sigaddset(&all, sig);
    sigprocmask(SIG_UNBLOCK, &all, nullptr);
    const rlimit noCore{0, 0};
    setrlimit(RLIMIT_CORE, &noCore);
    // What the child has to say goes through the pipe; its own diagnostics
    // (a library's, or a sanitizer's report of the crash being contained)
    // would only add lines to the one error the user sees.
    if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) {
        ::dup2(null, STDERR_FILENO);
        ::close(null);
    }
    // A fuzzer's death callback would record the contained crash as its own.
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(nullptr);
    int status = 0;
    try {
        work();
        sendRecord('K', "");
    } catch (const std::exception& e) {
        sendRecord('E', e.what());
        status = 1;
    } catch (...) {
        sendRecord('E', "unknown error");
        status = 1;
    }
    ::_exit(status);
}

// Splits the received bytes into records; keeps an incomplete tail in `buf`.
void takeRecords(std::string& buf, IsolatedRun& run, bool& finished)
{
    size_t start = 0;
    for (size_t end; (end = buf.find('\0', start)) != std::string::npos; start = end + 1) {
        if (end == start)
            continue;
        const std::string text = buf.substr(start + 1, end - start - 1);
        if (buf[start] == 'N')
            run.note = text;
        else if (buf[start] == 'K')
            finished = true;
        else
            run.message = text;
    }
    buf.erase(0, start);
    if (buf.size() > 2 * kMaxRecord) // a child that does not follow the protocol
        buf.clear();
}

int waitChild(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

} // namespace

IsolatedRun runIsolated(const std::function<void()>& work, std::chrono::milliseconds timeout,
                        const std::function<void()>& afterFork)
{
    IsolatedRun run;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        run.message = std::string("pipe: ") + std::strerror(errno);
        if (afterFork)
            afterFork();
        return run;
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        childMain(fds[1], work);
    }
    const int forkErrno = errno;
    if (afterFork)
        afterFork();
    ::close(fds[1]);
    if (pid < 0) {
        ::close(fds[0]);
        run.message = std::string("fork: ") + std::strerror(forkErrno);
        return run;
    }

    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = Clock::now() + timeout;
    std::string buf;
    bool open = true, exited = false, timedOut = false, finished = false;
    int status = 0;
    // Reads what the child sent; the end of the pipe or the child's exit
    // ends the wait (another process may hold a copy of the write end).
    while (!exited) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            timedOut = true;
            break;
        }
        if (open) {
            pollfd p{fds[0], POLLIN, 0};
            const int ready = ::poll(&p, 1, int(std::min<long long>(left, 50)));
            if (ready > 0) {
                char chunk[4096];
                const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
                if (n > 0) {
                    buf.append(chunk, size_t(n));
                    takeRecords(buf, run, finished);
                } else if (n == 0 || errno != EINTR) {
                    open = false;
                }
            }
        } else {
            ::usleep(10000);
        }
        pid_t done;
        while ((done = ::waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR) {}
        exited = done == pid || (done < 0 && errno == ECHILD); // ECHILD: reaped by SIGCHLD = SIG_IGN
    }
    if (timedOut) {
        ::kill(pid, SIGKILL);
        status = waitChild(pid);
    }
    // Whatever the child wrote before it ended is still in the pipe.
    for (pollfd p{fds[0], POLLIN, 0}; open && ::poll(&p, 1, 0) > 0;) {
        char chunk[4096];
        const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
        if (n <= 0)
            break;
        buf.append(chunk, size_t(n));
        takeRecords(buf, run, finished);
    }
    ::close(fds[0]);
    if (timedOut) {
        run.status = IsolatedRun::Status::TimedOut;
    } else if (WIFSIGNALED(status)) {
        run.status = IsolatedRun::Status::Signalled;
        run.signal = WTERMSIG(status);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && finished) {
        run.status = IsolatedRun::Status::Finished;
    } else if (!run.message.empty()) {
        run.status = IsolatedRun::Status::Failed;
    } else {
        run.status = IsolatedRun::Status::Died;
        run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return run;
}

void isolatedNote(const std::string& note)
{
    if (g_childFd >= 0)
        sendRecord('N', note);
}

bool inIsolatedChild()
{
    return g_childFd >= 0;
}

std::string signalName(int signal)
{
    const char* name = ::strsignal(signal);
    return name ? name : "signal " + std::to_string(signal);
}

} // namespace axbnn
