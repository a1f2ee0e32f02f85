// Inference speed on a random VGG3-shaped model (docs/domain.md section 8, 1000
// random 28x28 images): exact popcounts against bit-exact approximate ones
// (adder tree, MAJ-FA in the 2 least significant columns, whole fan-in
// units), on 1 and 2 threads; the same on the first 1000 Fashion-MNIST test
// images when the Debian package is installed (half their pixels are 0, which
// the first layer skips). AXBNN_ISA=portable measures the portable kernels.
#include "bnn/inference.h"
#include "bnn/random_model.h"
#include "io/dataset.h"

#include <benchmark/benchmark.h>

using namespace axbnn;

namespace {

constexpr int kImages = 1000;

const Model& vgg3()
{
    static const Model model = randomVgg3(1);
    return model;
}

const Dataset& images()
{
    static const Dataset data = [] {
        Dataset d;
        d.shape = vgg3().input;
        d.count = kImages;
        d.images = randomImages(d.shape, kImages, 2);
        d.labels.assign(kImages, 0);
        d.classNames = {"any"};
        return d;
    }();
    return data;
}

// The first kImages Fashion-MNIST test images, or an empty dataset.
const Dataset& fashion()
{
    static const Dataset data = [] {
        try {
            return loadFashionMnist();
        } catch (const std::exception&) {
            return Dataset{};
        }
    }();
    return data;
}

InferenceConfig config(bool approximate, int lsb, int threads)
{
    InferenceConfig c;
    if (approximate) {
        ApproxConfig a;
        a.lsbColumns = lsb;
        a.faCell = "maj-fa";
        c = InferenceConfig::withCircuit(vgg3(), PopcountUnitConfig::makeCircuit(Topology::AdderTree, a));
    }
    c.threads = threads;
    return c;
}

// Args: threads, approximate columns.
void predict(benchmark::State& state, bool approximate, bool real)
{
    const Dataset& data = real ? fashion() : images();
    if (data.count < kImages) {
        state.SkipWithError("Fashion-MNIST is not installed (package dataset-fashion-mnist)");
        return;
    }
    const InferenceEngine engine(
        vgg3(), config(approximate, static_cast<int>(state.range(1)), static_cast<int>(state.range(0))));
    for (auto _ : state)
        benchmark::DoNotOptimize(engine.predict(data, 0, kImages).data());
    state.SetItemsProcessed(state.iterations() * kImages);
    // Seconds per image, printed with an SI prefix (u = microseconds).
    state.counters["per_image"] = benchmark::Counter(static_cast<double>(state.iterations()) * kImages,
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Building the engine: packing weights, building the circuits, error bounds.
void prepare(benchmark::State& state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(InferenceEngine(vgg3(), config(true, 2, 1)).classes());
}

void settings(benchmark::internal::Benchmark* b)
{
    b->Unit(benchmark::kMillisecond)->UseRealTime();
}

} // namespace

BENCHMARK_CAPTURE(predict, exact, false, false)->Args({1, 0})->Args({2, 0})->Apply(settings);
BENCHMARK_CAPTURE(predict, approximate, true, false)->Args({1, 2})->Args({2, 2})->Apply(settings);
BENCHMARK_CAPTURE(predict, exact_fashion, false, true)->Args({1, 0})->Args({2, 0})->Apply(settings);
BENCHMARK_CAPTURE(predict, approximate_fashion, true, true)->Args({1, 2})->Args({2, 2})->Apply(settings);
BENCHMARK(prepare)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
