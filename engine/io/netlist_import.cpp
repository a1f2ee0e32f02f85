// File-level entry of the netlist importers.
#include "io/netlist_import.h"

#include "io/verilog_import.h"
#include "io/yosys_json_import.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace axbnn {

Netlist importNetlistFile(const std::string& path, const CellLibrary* library)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(path + ": cannot open netlist file");
    std::ostringstream text;
    text << in.rdbuf();
    const bool json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
    return json ? importYosysJson(text.str(), path, library) : importVerilog(text.str(), path, library);
}

} // namespace axbnn
