// Reads and writes the HDF5 model layout of docs/model-format.md; the loader
// trusts nothing in the file and names the attribute or dataset at fault.
#include "io/model_file.h"

#include "io/hdf5_io.h"
#include "io/hdf5_isolation.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

namespace axbnn {

namespace {

constexpr const char* kInputEncoding = "uint8 pixels 0..255";
constexpr int64_t kMaxDim = 65535;
constexpr int64_t kMaxCount = std::numeric_limits<int32_t>::max();

const std::set<std::string> kLayerDatasets = {"weights",   "weights_packed", "threshold",
                                              "direction", "score_scale",    "score_offset"};
const std::set<std::string> kMetaAttributes = {"dataset", "class_names", "training_recipe", "accuracy_at_save",
                                               "approximation_config"};

bool isConv(LayerKind k)
{
    return k == LayerKind::InputConv || k == LayerKind::Conv;
}

bool hasThresholds(LayerKind k)
{
    return k == LayerKind::InputConv || k == LayerKind::Conv || k == LayerKind::Dense;
}

template <class T>
std::string listText(const std::vector<T>& v)
{
    std::string t = "[";
    for (size_t i = 0; i < v.size(); ++i)
        t += (i ? ", " : "") + std::to_string(v[i]);
    return t + "]";
}

// Product that saturates just above kMaxCount instead of overflowing.
int64_t boundedProduct(std::initializer_list<int64_t> factors)
{
    int64_t p = 1;
    for (int64_t f : factors) {
        p *= std::max<int64_t>(f, 0);
        if (p > kMaxCount)
            return kMaxCount + 1;
    }
    return p;
}

// ---- loading ----------------------------------------------------------------

Shape readShape(const h5::Object& o, const std::string& name)
{
    const std::vector<int64_t> v = o.intsAttribute(name);
    if (v.size() != 3 || std::any_of(v.begin(), v.end(), [](int64_t x) { return x < 1 || x > kMaxDim; }))
        o.fail("attribute '" + name + "': expected [height, width, channels], 3 integers 1.." + std::to_string(kMaxDim)
               + ", found " + listText(v));
    return {static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2])};
}

int readSmallInt(const h5::Object& o, const std::string& name, bool required, int fallback)
{
    if (!o.hasAttribute(name)) {
        if (required)
            o.fail("missing attribute '" + name + "'");
        return fallback;
    }
    const int64_t v = o.intAttribute(name);
    if (v < 0 || v > kMaxDim)
        o.fail("attribute '" + name + "': " + std::to_string(v) + " is out of range 0.." + std::to_string(kMaxDim));
    return static_cast<int>(v);
}

void expectDims(const h5::Object& d, const std::vector<hsize_t>& expect, const std::string& why)
{
    if (d.dims() != expect)
        d.fail("expected shape " + listText(expect) + " (" + why + "), found " + d.dimsText());
}

void expectIntegers(const h5::Object& d, const std::string& what)
{
    if (d.typeClass() != H5T_INTEGER)
        d.fail("expected " + what + ", found " + d.typeName()
               + (d.typeClass() == H5T_FLOAT ? " (convert with numpy's .astype())" : ""));
}

std::vector<int8_t> readWeights(const h5::Object& d, const std::vector<hsize_t>& dims, size_t count,
                                const std::string& why)
{
    const std::string what = std::to_string(count) + " int8 values of +1/-1";
    expectIntegers(d, what);
    expectDims(d, dims, why);
    auto check = [&](const auto& values) {
        for (size_t i = 0; i < values.size(); ++i)
            if (values[i] != 1 && values[i] != -1)
                d.fail("expected " + what + ", found value " + std::to_string(values[i]) + " at index "
                       + std::to_string(i));
    };
    if (d.typeSize() == 1 && d.isSigned()) {
        std::vector<int8_t> w = d.read<int8_t>(count);
        check(w);
        return w;
    }
    const std::vector<int64_t> wide = d.read<int64_t>(count);
    check(wide);
    return std::vector<int8_t>(wide.begin(), wide.end());
}

// Bit j of byte b holds weight 8b + j (numpy.packbits(..., bitorder="little")); 1 = +1, 0 = -1.
std::vector<int8_t> readPackedWeights(const h5::Object& d, size_t count)
{
    if (d.typeClass() != H5T_INTEGER || d.typeSize() != 1 || d.isSigned())
        d.fail("expected uint8 bytes of packed weight bits, found " + d.typeName());
    const size_t bytes = (count + 7) / 8;
    expectDims(d, {bytes}, std::to_string(count) + " weights, 8 per byte");
    const std::vector<uint8_t> packed = d.read<uint8_t>(bytes);
    std::vector<int8_t> w(count);
    for (size_t i = 0; i < count; ++i)
        w[i] = (packed[i / 8] >> (i % 8)) & 1 ? 1 : -1;
    if (count % 8 != 0 && (packed.back() >> (count % 8)) != 0)
        d.fail("the unused high bits of the last byte must be 0 (" + std::to_string(count) + " weights)");
    return w;
}

void readWeightsOf(const h5::Object& g, Layer& l)
{
    const bool plain = g.has("weights"), packed = g.has("weights_packed");
    if (l.kind == LayerKind::MaxPool) {
        if (plain || packed)
            g.fail("a maxpool layer has no weights");
        return;
    }
    if (plain && packed)
        g.fail("has both 'weights' and 'weights_packed'; keep one");
    if (!plain && !packed)
        g.fail("missing dataset 'weights' (or 'weights_packed')");
    std::vector<hsize_t> dims;
    std::string why;
    if (isConv(l.kind)) {
        dims = {hsize_t(l.out.channels), hsize_t(l.kernel), hsize_t(l.kernel), hsize_t(l.in.channels)};
        why = "[out channels, kernel, kernel, in channels]";
    } else {
        dims = {hsize_t(l.out.channels), hsize_t(l.in.size())};
        why = "[outputs, inputs]";
    }
    const int64_t count = boundedProduct({int64_t(dims[0]), int64_t(dims[1]), dims.size() > 2 ? int64_t(dims[2]) : 1,
                                          dims.size() > 3 ? int64_t(dims[3]) : 1});
    if (count > kMaxCount)
        g.fail("too many weights (more than " + std::to_string(kMaxCount) + ")");
    l.weights = plain ? readWeights(g.open("weights"), dims, size_t(count), why)
                      : readPackedWeights(g.open("weights_packed"), size_t(count));
}

void readThresholdsOf(const h5::Object& g, Layer& l)
{
    const auto n = hsize_t(l.out.channels);
    if (!hasThresholds(l.kind)) {
        for (const char* name : {"threshold", "direction"})
            if (g.has(name))
                g.fail("a " + layerKindName(l.kind) + " layer has no '" + name + "'");
        return;
    }
    {
        const h5::Object d = g.open("threshold");
        expectIntegers(d, "int32 thresholds");
        expectDims(d, {n}, "one per output channel");
        const std::vector<int64_t> t = d.read<int64_t>(n);
        const ThresholdRange range = thresholdRange(l); // fan-in is bounded: the weights were read
        for (size_t i = 0; i < t.size(); ++i)
            if (t[i] < range.min || t[i] > range.max)
                d.fail("value " + std::to_string(t[i]) + " at index " + std::to_string(i) + " is out of range "
                       + std::to_string(range.min) + ".." + std::to_string(range.max) + " (fan-in "
                       + std::to_string(l.fanIn()) + ")");
        l.thresholds.threshold.assign(t.begin(), t.end());
    }
    const h5::Object d = g.open("direction");
    expectIntegers(d, "int8 directions +1/-1");
    expectDims(d, {n}, "one per output channel");
    const std::vector<int64_t> dir = d.read<int64_t>(n);
    for (size_t i = 0; i < dir.size(); ++i)
        if (dir[i] != 1 && dir[i] != -1)
            d.fail("expected +1/-1, found " + std::to_string(dir[i]) + " at index " + std::to_string(i));
    l.thresholds.direction.assign(dir.begin(), dir.end());
}

std::vector<float> readFloats(const h5::Object& d, hsize_t n, bool finite)
{
    if (d.typeClass() != H5T_FLOAT)
        d.fail("expected float32 values, found " + d.typeName());
    expectDims(d, {n}, "one per output channel");
    std::vector<float> v = d.read<float>(n);
    for (size_t i = 0; finite && i < v.size(); ++i)
        if (!std::isfinite(v[i]))
            d.fail("value at index " + std::to_string(i) + " is not finite");
    return v;
}

void readFloatsOf(const h5::Object& g, Layer& l)
{
    const auto n = hsize_t(l.out.channels);
    for (const char* name : {"score_scale", "score_offset"})
        if (g.has(name) && l.kind != LayerKind::Scores)
            g.fail("only a scores layer has '" + std::string(name) + "'");
    if (g.has("score_scale"))
        l.scoreScale = readFloats(g.open("score_scale"), n, true);
    if (g.has("score_offset"))
        l.scoreOffset = readFloats(g.open("score_offset"), n, true);
    for (const h5::Object::Child& c : g.children()) {
        if (c.kind != h5::Kind::Dataset)
            g.fail("unexpected " + std::string(c.kind == h5::Kind::Group ? "group" : "object") + " '" + c.name
                   + "' (a layer group holds only datasets)");
        if (kLayerDatasets.count(c.name))
            continue;
        const h5::Object d = g.open(c.name);
        if (d.typeClass() != H5T_FLOAT || d.dims() != std::vector<hsize_t>{n})
            d.fail("unknown dataset; extra layer datasets are float parameters with one value per output "
                   "channel ("
                   + std::to_string(n) + "), found " + d.typeName() + " " + d.dimsText());
        l.floatParams[c.name] = readFloats(d, n, false);
    }
}

Layer readLayer(const h5::Object& g, const std::string& name)
{
    Layer l;
    const std::string kind = g.stringAttribute("kind");
    const std::optional<LayerKind> k = layerKindFromName(kind);
    if (!k)
        g.fail("attribute 'kind': unknown layer kind '" + kind
               + "' (expected inputconv, conv, dense, maxpool or scores)");
    l.kind = *k;
    l.name = name;
    if (g.hasAttribute("name") && g.stringAttribute("name") != name)
        g.fail("attribute 'name' is '" + g.stringAttribute("name") + "' but the group name says '" + name + "'");
    l.in = readShape(g, "in_shape");
    l.out = readShape(g, "out_shape");
    l.kernel = readSmallInt(g, "kernel", isConv(l.kind), l.kernel);
    l.stride = readSmallInt(g, "stride", isConv(l.kind), l.stride);
    l.padding = readSmallInt(g, "padding", isConv(l.kind), l.padding);
    l.pool = readSmallInt(g, "pool", l.kind == LayerKind::MaxPool, l.pool);
    readWeightsOf(g, l);
    readThresholdsOf(g, l);
    readFloatsOf(g, l);
    return l;
}

void readMeta(const h5::Object& g, ModelMetadata& meta)
{
    for (const std::string& a : g.attributeNames()) {
        if (a == "dataset")
            meta.dataset = g.stringAttribute(a);
        else if (a == "class_names")
            meta.classNames = g.stringsAttribute(a);
        else if (a == "training_recipe")
            meta.trainingRecipe = g.stringAttribute(a);
        else if (a == "accuracy_at_save") {
            meta.accuracyAtSave = g.doubleAttribute(a);
            if (!std::isfinite(meta.accuracyAtSave))
                g.fail("attribute 'accuracy_at_save' is not finite");
        } else if (a == "approximation_config") {
            meta.approximationConfig = g.stringAttribute(a);
            if (!meta.approximationConfig.empty() && !nlohmann::json::accept(meta.approximationConfig))
                g.fail("attribute 'approximation_config' is not valid JSON");
        } else if (g.attributeClass(a) == H5T_STRING) {
            meta.extra[a] = g.stringAttribute(a);
        } else {
            g.fail("attribute '" + a + "': extra metadata must be strings");
        }
    }
}

// "02_conv2" -> {2, "conv2"}; index -1 if the name does not have that form.
std::pair<long, std::string> splitGroupName(const std::string& s)
{
    const size_t us = s.find('_');
    if (us == 0 || us == std::string::npos || us > 6 || us + 1 == s.size()
        || !std::all_of(s.begin(), s.begin() + long(us), [](char c) { return c >= '0' && c <= '9'; }))
        return {-1, ""};
    return {std::stol(s.substr(0, us)), s.substr(us + 1)};
}

// ---- saving -----------------------------------------------------------------

std::vector<int32_t> shapeAttr(const Shape& s)
{
    return {s.height, s.width, s.channels};
}

void writeLayer(const h5::Object& g, const Layer& l, const ModelSaveOptions& options)
{
    g.writeAttribute("kind", layerKindName(l.kind));
    g.writeAttribute("name", l.name);
    g.writeAttribute("in_shape", shapeAttr(l.in));
    g.writeAttribute("out_shape", shapeAttr(l.out));
    g.writeAttribute("kernel", int32_t(l.kernel));
    g.writeAttribute("stride", int32_t(l.stride));
    g.writeAttribute("padding", int32_t(l.padding));
    g.writeAttribute("pool", int32_t(l.pool));
    const auto n = hsize_t(l.out.channels);
    if (!l.weights.empty()) {
        if (options.packedWeights) {
            std::vector<uint8_t> packed((l.weights.size() + 7) / 8, 0);
            for (size_t i = 0; i < l.weights.size(); ++i)
                if (l.weights[i] > 0)
                    packed[i / 8] |= uint8_t(1u << (i % 8));
            g.writeDataset<uint8_t>("weights_packed", {packed.size()}, packed.data());
        } else {
            const std::vector<hsize_t> dims = isConv(l.kind)
                ? std::vector<hsize_t>{n, hsize_t(l.kernel), hsize_t(l.kernel), hsize_t(l.in.channels)}
                : std::vector<hsize_t>{n, hsize_t(l.in.size())};
            g.writeDataset<int8_t>("weights", dims, l.weights.data(), true);
        }
    }
    if (hasThresholds(l.kind)) {
        g.writeDataset<int32_t>("threshold", {n}, l.thresholds.threshold.data());
        g.writeDataset<int8_t>("direction", {n}, l.thresholds.direction.data());
    }
    if (!l.scoreScale.empty())
        g.writeDataset<float>("score_scale", {n}, l.scoreScale.data());
    if (!l.scoreOffset.empty())
        g.writeDataset<float>("score_offset", {n}, l.scoreOffset.data());
    for (const auto& [key, values] : l.floatParams)
        g.writeDataset<float>(key, {n}, values.data());
}

void checkSavable(const Model& m)
{
    validateModel(m);
    for (const auto& [key, value] : m.meta.extra)
        if (key.empty() || kMetaAttributes.count(key))
            throw std::invalid_argument("metadata key '" + key + "' is empty or reserved");
    if (!m.meta.approximationConfig.empty() && !nlohmann::json::accept(m.meta.approximationConfig))
        throw std::invalid_argument("approximation config is not valid JSON");
    if (!std::isfinite(m.meta.accuracyAtSave))
        throw std::invalid_argument("accuracy at save is not finite");
    for (size_t i = 0; i < m.layers.size(); ++i)
        for (const auto& [key, values] : m.layers[i].floatParams)
            if (kLayerDatasets.count(key))
                throw std::invalid_argument("layer " + std::to_string(i) + " '" + m.layers[i].name
                                            + "': float parameter name '" + key + "' is reserved");
}

Model readModelFile(const std::string& path)
{
    const h5::Object root = h5::openFile(path);
    if (!root.hasAttribute("format"))
        root.fail("no 'format' attribute; not an AxBNN model file (expected format = \"" + std::string(kModelFormat)
                  + "\")");
    const std::string format = root.stringAttribute("format");
    if (format != kModelFormat)
        root.fail("format is '" + format + "', not '" + kModelFormat + "'; not an AxBNN model file");
    const int64_t version = root.intAttribute("format_version");
    if (version != kModelFormatVersion)
        root.fail("format_version " + std::to_string(version) + " is not supported (this program reads version "
                  + std::to_string(kModelFormatVersion) + (version > kModelFormatVersion ? "; the file is newer" : "")
                  + ")");
    Model m;
    m.input = readShape(root, "input_shape");
    if (root.hasAttribute("input_encoding") && root.stringAttribute("input_encoding") != kInputEncoding)
        root.fail("input_encoding '" + root.stringAttribute("input_encoding") + "' is not supported (expected '"
                  + kInputEncoding + "')");
    if (root.has("meta"))
        readMeta(root.group("meta"), m.meta);

    const h5::Object layers = root.group("layers");
    std::vector<std::pair<long, std::string>> order; // (index, group name)
    for (const h5::Object::Child& c : layers.children()) {
        if (c.kind != h5::Kind::Group)
            layers.fail("unexpected dataset '" + c.name + "'; /layers holds only layer groups");
        const long index = splitGroupName(c.name).first;
        if (index < 0)
            layers.fail("group '" + c.name + "' is not named <index>_<name> (e.g. 02_conv2)");
        order.emplace_back(index, c.name);
    }
    if (order.empty())
        layers.fail("no layers");
    std::sort(order.begin(), order.end());
    std::vector<std::string> groupPaths;
    for (size_t i = 0; i < order.size(); ++i) {
        const auto& [index, group] = order[i];
        if (index != long(i))
            layers.fail(i > 0 && order[i - 1].first == index
                            ? "groups '" + order[i - 1].second + "' and '" + group + "' have the same layer index"
                            : "layer " + std::to_string(i)
                                + " is missing (groups must be numbered 00, 01, 02, ... "
                                  "without gaps; the next group is '"
                                + group + "')");
        const h5::Object g = layers.group(group);
        m.layers.push_back(readLayer(g, splitGroupName(group).second));
        groupPaths.push_back(g.path());
    }

    if (const std::optional<ModelProblem> p = findModelProblem(m))
        throw std::runtime_error(path + ": " + (p->layer >= 0 ? groupPaths[size_t(p->layer)] + ": " : "") + p->message);
    return m;
}

} // namespace

Model loadModel(const std::string& path)
{
    // Even listing a corrupt file's attributes can crash libhdf5, so the
    // child does the whole read (io/hdf5_isolation.h).
    h5::verifyInChild(path, [&] { (void)readModelFile(path); });
    return readModelFile(path);
}

void saveModel(const Model& model, const std::string& path, const ModelSaveOptions& options)
{
    try {
        checkSavable(model);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(path + ": not saved: " + e.what());
    }
    h5::NewFile file(path);
    {
        const h5::Object& root = file.root();
        root.writeAttribute("format", std::string(kModelFormat));
        root.writeAttribute("format_version", int32_t(kModelFormatVersion));
        root.writeAttribute("input_shape", shapeAttr(model.input));
        root.writeAttribute("input_encoding", std::string(kInputEncoding));

        const h5::Object meta = root.createGroup("meta");
        meta.writeAttribute("dataset", model.meta.dataset);
        if (!model.meta.classNames.empty())
            meta.writeAttribute("class_names", model.meta.classNames);
        meta.writeAttribute("training_recipe", model.meta.trainingRecipe);
        meta.writeAttribute("accuracy_at_save", model.meta.accuracyAtSave);
        meta.writeAttribute("approximation_config", model.meta.approximationConfig);
        for (const auto& [key, value] : model.meta.extra)
            meta.writeAttribute(key, value);

        const h5::Object layers = root.createGroup("layers");
        // Zero-padded so that name order (h5py, h5ls) is layer order.
        const size_t width = std::max<size_t>(2, std::to_string(model.layers.size() - 1).size());
        for (size_t i = 0; i < model.layers.size(); ++i) {
            std::string index = std::to_string(i);
            index.insert(0, width - index.size(), '0');
            writeLayer(layers.createGroup(index + "_" + model.layers[i].name), model.layers[i], options);
        }
    }
    file.commit();
}

} // namespace axbnn
