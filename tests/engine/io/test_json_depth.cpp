// Every JSON loader refuses input nested deeper than kMaxJsonDepth with the
// file's name, before the JSON library builds a value it would recurse on
// (issue 20: 100,000 nested brackets crashed the sweep-spec reader).
#include "bnn/random_model.h"
#include "circuit/cell_library.h"
#include "explore/evaluate.h"
#include "io/error_model_json.h"
#include "io/inference_json.h"
#include "io/yosys_json_import.h"
#include "sweep/sweep_spec.h"
#include "sweep/sweep_table.h"
#include "util/json_depth.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <functional>

using namespace axbnn;

namespace {

std::string deep(int levels, const std::string& key = "a")
{
    std::string open, close;
    for (int i = 0; i < levels; ++i) {
        open += i % 2 ? "[" : "{\"" + key + "\": ";
        close = (i % 2 ? "]" : "}") + close;
    }
    return open + "1" + close;
}

std::string messageOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestJsonDepth : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void depthIsCountedOutsideStrings()
    {
        checkJsonDepth(deep(kMaxJsonDepth), "ok.json"); // at the limit: fine
        checkJsonDepth("{\"s\": \"" + std::string(1000, '[') + "\"}", "s.json"); // brackets in a string
        checkJsonDepth("{\"s\": \"\\\"[[[[\", \"t\": [1]}", "e.json"); // an escaped quote (no raw string: moc)
        const std::string m = messageOf([] { checkJsonDepth(deep(kMaxJsonDepth + 1), "d.json"); });
        QVERIFY2(m.find("d.json: JSON nested deeper than 64 levels") == 0, m.c_str());
    }

    void everyLoaderRefusesDeepInputByName()
    {
        const std::string text = "{\"x\": " + deep(100000) + "}";
        const Model model = randomModel(
            {4, 4, 1}, {{LayerKind::InputConv, 4, 3, 1, 1}, {LayerKind::Dense, 8}, {LayerKind::Scores, 10}}, 1);
        QTemporaryDir dir;
        const std::string path = dir.filePath("deep.json").toStdString();
        std::ofstream(path) << text;
        const std::vector<std::pair<const char*, std::function<void()>>> loaders{
            {"sweep spec", [&] { parseSweepSpec(text, "deep.json", ""); }},
            {"sweep table", [&] { parseSweepJson(text, "deep.json"); }},
            {"cell library", [&] { CellLibrary::fromJsonText(text, "deep.json"); }},
            {"layer config", [&] { parseLayerConfig(text, "deep.json", model, CellLibrary::defaults()); }},
            {"yosys netlist", [&] { importYosysJson(text, "deep.json"); }},
            {"error model", [&] { loadErrorModel(path); }},
            {"evaluation cache", [&] { EvaluationCache().load(path); }},
        };
        for (const auto& [name, load] : loaders) {
            const std::string m = messageOf(load);
            QVERIFY2(m.find("deep.json") != std::string::npos && m.find("nested deeper than 64") != std::string::npos,
                     (std::string(name) + ": " + m).c_str());
        }
    }

    // Found by fuzz/fuzz_layer_config, fuzz_error_model and
    // fuzz_evaluation_cache (tests/data/fuzz/): a number beyond a double is
    // the JSON library's out_of_range, not a parse_error, and escaped with
    // the library's text alone; a mistyped include_scores or cache format
    // was its type_error. Each is now refused naming the file.
    void fuzzFindingsAreRefusedByName()
    {
        const Model model = randomModel(
            {4, 4, 1}, {{LayerKind::InputConv, 4, 3, 1, 1}, {LayerKind::Dense, 8}, {LayerKind::Scores, 10}}, 1);
        QTemporaryDir dir;
        auto file = [&](const char* name, const std::string& text) {
            const std::string path = dir.filePath(name).toStdString();
            std::ofstream(path) << text;
            return path;
        };
        const std::string huge = file("huge.json", "{\"format\": \"axbnn-error-model\", \"version\": 1e400}");
        const std::string cache = file("cache.json", "{\"format\": 7, \"counts\": []}");
        const struct {
            const char* name;
            std::function<void()> load;
            const char* expected;
        } cases[]{
            {"layer config 1e400",
             [&] {
                 parseLayerConfig("{\"default\": {\"approx_lsb\": 1e400}}", "l.json", model, CellLibrary::defaults());
             },
             "l.json: line 1 column 28: the number 1e400 is out of range"},
            {"layer config include_scores",
             [&] {
                 parseLayerConfig("{\"default\": {}, \"include_scores\": \"yes\"}", "l.json", model,
                                  CellLibrary::defaults());
             },
             "l.json: include_scores must be true or false"},
            {"error model 1e400", [&] { loadErrorModel(huge); }, "huge.json: line 1 column"},
            {"evaluation cache format 7", [&] { EvaluationCache().load(cache); },
             "cache.json: not an evaluation cache"},
        };
        for (const auto& c : cases) {
            const std::string m = messageOf(c.load);
            QVERIFY2(m.find(c.expected) != std::string::npos, (std::string(c.name) + ": " + m).c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestJsonDepth)
#include "test_json_depth.moc"
