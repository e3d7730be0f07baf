// dmarc_config_docs: writes or checks the files generated from the settings table.
//   dmarc_config_docs --write SOURCE_DIR   rewrites conf/dmarc-milter.conf and the
//                                          generated section of docs/dmarc-milter.conf.5
//   dmarc_config_docs --check SOURCE_DIR   exits 1, saying which file, when either differs
//   dmarc_config_docs --example | --man    prints the generated text
// The --check run is a ctest, so a settings change without regenerated docs fails the
// build's tests. Single-threaded.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "config/config_render.h"

namespace {

using dmarc::config::exampleConfig;
using dmarc::config::kManBeginMarker;
using dmarc::config::kManEndMarker;
using dmarc::config::manSettings;

constexpr const char* kConfPath = "/conf/dmarc-milter.conf";
constexpr const char* kManPath = "/docs/dmarc-milter.conf.5";

bool readFile(const std::string& path, std::string& text) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    return true;
}

bool writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out);
}

// The man page with its generated section replaced by `section`; false when the page has
// no begin marker line followed by an end marker line.
bool spliceMan(const std::string& page, const std::string& section, std::string& result) {
    const std::size_t begin = page.find(std::string(kManBeginMarker));
    if (begin == std::string::npos || (begin != 0 && page[begin - 1] != '\n')) return false;
    const std::size_t endMarker = page.find(std::string(kManEndMarker), begin);
    if (endMarker == std::string::npos) return false;
    std::size_t end = page.find('\n', endMarker);
    end = end == std::string::npos ? page.size() : end + 1;
    result = page.substr(0, begin) + section + page.substr(end);
    return true;
}

int run(const std::string& mode, const std::string& root) {
    const std::string confPath = root + kConfPath;
    const std::string manPath = root + kManPath;
    std::string page;
    std::string newPage;
    if (!readFile(manPath, page) || !spliceMan(page, manSettings(), newPage)) {
        std::cerr << manPath << ": cannot read it, or it lacks the lines \"" << kManBeginMarker << "\" and \""
                  << kManEndMarker << "\"\n";
        return 1;
    }
    const std::string example = exampleConfig();
    if (mode == "--write") {
        if (!writeFile(confPath, example) || !writeFile(manPath, newPage)) {
            std::cerr << "cannot write " << confPath << " or " << manPath << "\n";
            return 1;
        }
        return 0;
    }
    int status = 0;
    std::string conf;
    if (!readFile(confPath, conf) || conf != example) {
        std::cerr << confPath << " is not what the settings table generates\n";
        status = 1;
    }
    if (newPage != page) {
        std::cerr << manPath << ": the generated SETTINGS section is out of date\n";
        status = 1;
    }
    if (status != 0) std::cerr << "run: dmarc_config_docs --write " << root << "\n";
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (argc == 2 && mode == "--example") {
        std::cout << exampleConfig();
        return 0;
    }
    if (argc == 2 && mode == "--man") {
        std::cout << manSettings();
        return 0;
    }
    if (argc == 3 && (mode == "--write" || mode == "--check")) return run(mode, argv[2]);
    std::cerr << "usage: dmarc_config_docs --write|--check SOURCE_DIR | --example | --man\n";
    return 2;
}
