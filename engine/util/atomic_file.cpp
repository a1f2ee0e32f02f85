// Temporary file in the target's directory + rename(2), which is atomic on POSIX.
#include "util/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace axbnn {

int createTempBeside(const std::string& path, std::string& tempPath)
{
    namespace fs = std::filesystem;
    if (path.empty())
        throw std::runtime_error("no output file name given");
    const fs::path target(path);
    if (fs::is_directory(target))
        throw std::runtime_error(path + ": is a directory");
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string name = "."; // built step by step: GCC 12 warns falsely (-Wrestrict) on "." + string
    name.append(target.filename().string()).append(".XXXXXX");
    tempPath = (dir / name).string();
    const int fd = mkstemp(tempPath.data());
    if (fd < 0)
        throw std::runtime_error(path + ": cannot write (" + std::strerror(errno) + ")");
    return fd;
}

void writeFileAtomically(const std::string& path, std::string_view content)
{
    std::string tmpl;
    const int fd = createTempBeside(path, tmpl);
    bool ok = true;
    size_t done = 0;
    while (ok && done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        done += ok ? static_cast<size_t>(n) : 0;
    }
    const int savedErrno = errno;
    ok = ok && ::fsync(fd) == 0;
    ok = (::close(fd) == 0) && ok;
    if (ok)
        ::chmod(tmpl.c_str(), 0644);
    if (!ok || std::rename(tmpl.c_str(), path.c_str()) != 0) {
        const int err = ok ? errno : savedErrno;
        std::remove(tmpl.c_str());
        throw std::runtime_error(path + ": cannot write (" + std::strerror(err ? err : EIO) + ")");
    }
}

} // namespace axbnn
