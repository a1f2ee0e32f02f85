// XNOR-popcount throughput of the VGG3 layers' kernels against this core's
// measured peak (docs/performance.md). The peak is the best of two
// microkernels that only XOR and count 64-bit words already in L1 (no
// im2col, no stores, no threshold): POPCNT on four independent chains, and
// the AVX2 nibble-table count with byte counters. The layers run the
// engine's own xnorGemm on random data of the real shapes: the second
// convolution (196 positions x 64 neurons x 576 inputs, the largest layer
// by XNOR count) and the first dense layer (2048 neurons x 3136 inputs, a
// batch of 64 images). Counter `words_per_second` = 64-bit words of XNOR
// outputs counted per second on one core.
#include "bnn/packed_bits.h"
#include "bnn/xnor_kernels.h"
#include "util/random_bits.h"

#include <benchmark/benchmark.h>

#include <immintrin.h>

#include <vector>

using namespace axbnn;

namespace {

constexpr int kWords = 31 * 16 * 4; // 15.5 KiB: stays in L1

std::vector<uint64_t> randomWords(size_t n, uint64_t seed)
{
    Rng rng(seed);
    std::vector<uint64_t> v(n);
    for (uint64_t& w : v)
        w = rng.next();
    return v;
}

void setRate(benchmark::State& state, double wordsPerIteration)
{
    state.counters["words_per_second"] =
        benchmark::Counter(wordsPerIteration * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Both microkernels XOR one L1-resident stream against a word held in a
// register (as every kernel does with its broadcast input), so they measure
// the counting itself: one load per word is the least any kernel needs.
__attribute__((target("popcnt"))) uint64_t popcntChains(const uint64_t* a, uint64_t x, int n)
{
    uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (int k = 0; k < n; k += 4) {
        c0 += __builtin_popcountll(a[k] ^ x);
        c1 += __builtin_popcountll(a[k + 1] ^ x);
        c2 += __builtin_popcountll(a[k + 2] ^ x);
        c3 += __builtin_popcountll(a[k + 3] ^ x);
    }
    return c0 + c1 + c2 + c3;
}

[[gnu::always_inline, gnu::target("avx2")]] inline __m256i countBytes(__m256i v, __m256i table, __m256i low)
{
    return _mm256_add_epi8(_mm256_shuffle_epi8(table, _mm256_and_si256(v, low)),
                           _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(v, 4), low)));
}

// Four byte counters, each fed 31 vectors before psadbw folds it.
__attribute__((target("avx2"))) uint64_t nibbleTable(const uint64_t* a, uint64_t x, int n)
{
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2,
                                           2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
    const __m256i xv = _mm256_set1_epi64x(static_cast<long long>(x));
    constexpr int kStep = 16, kSpan = 31 * kStep;
    __m256i total = zero;
    for (int k0 = 0; k0 < n; k0 += kSpan) {
        __m256i c0 = zero, c1 = zero, c2 = zero, c3 = zero;
        for (int k = k0; k < k0 + kSpan && k < n; k += kStep) {
            const __m256i* p = reinterpret_cast<const __m256i*>(a + k);
            c0 = _mm256_add_epi8(c0, countBytes(_mm256_xor_si256(_mm256_loadu_si256(p), xv), table, low));
            c1 = _mm256_add_epi8(c1, countBytes(_mm256_xor_si256(_mm256_loadu_si256(p + 1), xv), table, low));
            c2 = _mm256_add_epi8(c2, countBytes(_mm256_xor_si256(_mm256_loadu_si256(p + 2), xv), table, low));
            c3 = _mm256_add_epi8(c3, countBytes(_mm256_xor_si256(_mm256_loadu_si256(p + 3), xv), table, low));
        }
        const __m256i s = _mm256_add_epi64(_mm256_add_epi64(_mm256_sad_epu8(c0, zero), _mm256_sad_epu8(c1, zero)),
                                           _mm256_add_epi64(_mm256_sad_epu8(c2, zero), _mm256_sad_epu8(c3, zero)));
        total = _mm256_add_epi64(total, s);
    }
    alignas(32) uint64_t lanes[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), total);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

void peakPopcnt(benchmark::State& state)
{
    const auto a = randomWords(kWords, 1);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (auto _ : state) {
        benchmark::DoNotOptimize(x);
        benchmark::DoNotOptimize(popcntChains(a.data(), x, kWords));
    }
    setRate(state, kWords);
}

void peakNibbleTable(benchmark::State& state)
{
    if (!isaSupported(Isa::Avx2)) {
        state.SkipWithError("no AVX2");
        return;
    }
    const auto a = randomWords(kWords, 1);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (auto _ : state) {
        benchmark::DoNotOptimize(x);
        benchmark::DoNotOptimize(nibbleTable(a.data(), x, kWords));
    }
    setRate(state, kWords);
}

// xnorGemm of `count` inputs against `rows` rows of `words` words.
void layer(benchmark::State& state, int count, int rows, int words)
{
    const XnorKernels& k = xnorKernels();
    const auto x = randomWords(static_cast<size_t>(count) * words, 3);
    const auto plain = randomWords(static_cast<size_t>(rows) * words, 4);
    const auto w = k.layoutRows(plain.data(), rows, words);
    std::vector<int32_t> out(static_cast<size_t>(count) * rows);
    for (auto _ : state) {
        k.xnorGemm(x.data(), words, count, w.data(), words, rows, 64 * words, out.data(), rows);
        benchmark::DoNotOptimize(out.data());
    }
    setRate(state, static_cast<double>(count) * rows * words);
    state.SetLabel(isaName(k.isa));
}

} // namespace

BENCHMARK(peakPopcnt);
BENCHMARK(peakNibbleTable);
BENCHMARK_CAPTURE(layer, conv2, 196, 64, 9);
BENCHMARK_CAPTURE(layer, fc1, 64, 2048, 49);

BENCHMARK_MAIN();
