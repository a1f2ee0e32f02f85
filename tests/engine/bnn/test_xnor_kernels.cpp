// Every fast XNOR kernel, in every instruction set this CPU runs, equals its
// reference twin on random shapes (channels not a multiple of 64, odd
// kernels, stride 2, padding 0/1, fan-ins not a multiple of 64).
#include "bnn/packed_bits.h"
#include "bnn/xnor_kernels.h"
#include "util/random_bits.h"

#include <QtTest>

using namespace axbnn;

Q_DECLARE_METATYPE(axbnn::Isa)
Q_DECLARE_METATYPE(axbnn::Shape)

namespace {

std::vector<int8_t> randomSigns(size_t n, Rng& rng)
{
    std::vector<int8_t> v(n);
    for (int8_t& x : v)
        x = rng.next() & 1 ? 1 : -1;
    return v;
}

std::vector<Isa> isas()
{
    std::vector<Isa> r{Isa::Portable};
    if (isaSupported(Isa::Avx2))
        r.push_back(Isa::Avx2);
    return r;
}

} // namespace

class TestXnorKernels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void packingRoundTrips()
    {
        Rng rng(1);
        for (Shape s : {Shape{1, 1, 1}, Shape{3, 2, 64}, Shape{2, 3, 65}, Shape{4, 4, 130}}) {
            const std::vector<int8_t> v = randomSigns(static_cast<size_t>(s.size()), rng);
            const PackedTensor t = packSigns(v, s);
            QCOMPARE(t.wordsPerPosition, wordsFor(s.channels));
            QCOMPARE(unpackSigns(t), v);
            for (int pos = 0; pos < s.height * s.width; ++pos) // channels beyond C stay 0
                if (s.channels % 64)
                    QCOMPARE(t.words[(pos + 1) * t.wordsPerPosition - 1] >> (s.channels % 64), uint64_t{0});
        }
    }

    // The whole-map im2col equals the per-position one, border windows included.
    void gatherPatchesMatchesPerPosition()
    {
        Rng rng(7);
        for (auto [shape, kernel, stride, padding] : {std::tuple{Shape{14, 14, 64}, 3, 1, 1},
                                                      {Shape{9, 7, 64}, 5, 1, 2},
                                                      {Shape{11, 11, 64}, 7, 2, 3},
                                                      {Shape{6, 5, 130}, 3, 2, 0},
                                                      {Shape{5, 5, 1}, 3, 1, 1},
                                                      {Shape{8, 8, 65}, 1, 1, 0}}) {
            const int words = wordsFor(shape.channels);
            std::vector<uint64_t> in(static_cast<size_t>(shape.height) * shape.width * words);
            for (uint64_t& w : in)
                w = rng.next();
            const int outH = (shape.height + 2 * padding - kernel) / stride + 1;
            const int outW = (shape.width + 2 * padding - kernel) / stride + 1;
            const size_t patchWords = static_cast<size_t>(kernel) * kernel * words;
            std::vector<uint64_t> all(patchWords * outH * outW, ~0ull), one(patchWords);
            gatherPatches(in.data(), shape, kernel, stride, padding, outH, outW, all.data());
            for (int y = 0; y < outH; ++y)
                for (int x = 0; x < outW; ++x) {
                    gatherPatch(in.data(), shape, kernel, stride, padding, y, x, one.data());
                    const auto at = all.begin() + static_cast<ptrdiff_t>((y * outW + x) * patchWords);
                    QVERIFY2(
                        std::equal(one.begin(), one.end(), at),
                        qPrintable(
                            QString("k%1 s%2 p%3 at (%4, %5)").arg(kernel).arg(stride).arg(padding).arg(y).arg(x)));
                }
        }
    }

    // markSamePatches flags exactly the positions whose gathered patches are
    // equal, over maps wider than a word of positions too; the im2col of
    // the others alone equals theirs in the whole map.
    void samePatchesAreFoundAndSkipped()
    {
        Rng rng(11);
        for (auto [shape, kernel, stride, padding] : {std::tuple{Shape{14, 14, 64}, 3, 1, 1},
                                                      {Shape{9, 7, 130}, 5, 1, 2},
                                                      {Shape{11, 11, 64}, 7, 2, 3},
                                                      {Shape{4, 70, 1}, 3, 1, 1},
                                                      {Shape{5, 130, 64}, 3, 2, 0},
                                                      {Shape{8, 8, 65}, 1, 1, 0}}) {
            const int words = wordsFor(shape.channels);
            const size_t mapWords = static_cast<size_t>(shape.height) * shape.width * words;
            std::vector<uint64_t> ref(mapWords), in(mapWords);
            for (uint64_t& w : ref)
                w = rng.next();
            in = ref;
            for (int changes = 0; changes < 3; ++changes) // one word of a few positions
                in[rng.next() % mapWords] ^= uint64_t{1} << (rng.next() % 64);
            const int outH = (shape.height + 2 * padding - kernel) / stride + 1;
            const int outW = (shape.width + 2 * padding - kernel) / stride + 1;
            const int positions = outH * outW;
            const size_t patchWords = static_cast<size_t>(kernel) * kernel * words;
            std::vector<uint8_t> same(static_cast<size_t>(positions), 7);
            std::vector<uint64_t> rows;
            const int count =
                markSamePatches(in.data(), ref.data(), shape, kernel, stride, padding, outH, outW, same.data(), rows);
            std::vector<uint64_t> all(patchWords * positions), a(patchWords), b(patchWords);
            gatherPatches(in.data(), shape, kernel, stride, padding, outH, outW, all.data());
            int expected = 0;
            std::vector<int> differing;
            for (int p = 0; p < positions; ++p) {
                gatherPatch(in.data(), shape, kernel, stride, padding, p / outW, p % outW, a.data());
                gatherPatch(ref.data(), shape, kernel, stride, padding, p / outW, p % outW, b.data());
                const bool equal = a == b;
                QVERIFY2(
                    same[p] == equal,
                    qPrintable(
                        QString("k%1 s%2 p%3 w%4 at %5").arg(kernel).arg(stride).arg(padding).arg(shape.width).arg(p)));
                expected += equal;
                if (!equal)
                    differing.push_back(p);
            }
            QCOMPARE(count, expected);
            QVERIFY(!differing.empty());
            std::vector<uint64_t> some(patchWords * positions, ~0ull);
            std::vector<int> kept(static_cast<size_t>(positions), -1);
            const int n = gatherPatchesExcept(in.data(), shape, kernel, stride, padding, outH, outW, same.data(),
                                              kept.data(), some.data());
            QCOMPARE(n, positions - count);
            QCOMPARE(std::vector<int>(kept.begin(), kept.begin() + n), differing);
            for (int j = 0; j < n; ++j)
                QVERIFY(std::equal(some.begin() + static_cast<ptrdiff_t>(j * patchWords),
                                   some.begin() + static_cast<ptrdiff_t>((j + 1) * patchWords),
                                   all.begin() + static_cast<ptrdiff_t>(differing[j] * patchWords)));
        }
    }

    void binaryConvMatchesReference_data()
    {
        QTest::addColumn<Isa>("isa");
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("cin");
        QTest::addColumn<int>("cout");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<int>("padding");
        for (Isa isa : isas())
            for (auto [size, cin, cout, k, stride, pad] : {std::tuple{5, 1, 1, 1, 1, 0},
                                                           {6, 3, 5, 3, 1, 1},
                                                           {7, 64, 64, 3, 1, 1},
                                                           {7, 65, 70, 3, 2, 1},
                                                           {9, 100, 3, 5, 2, 0},
                                                           {8, 130, 129, 3, 1, 0},
                                                           {6, 17, 64, 5, 1, 1},
                                                           {5, 63, 2, 1, 2, 0},
                                                           {4, 128, 31, 3, 2, 1},
                                                           {11, 2, 200, 7, 1, 1}})
                QTest::addRow("%s-%dx%dx%d-%d-k%d-s%d-p%d", isaName(isa).c_str(), size, size, cin, cout, k, stride, pad)
                    << isa << size << cin << cout << k << stride << pad;
    }

    void binaryConvMatchesReference()
    {
        QFETCH(Isa, isa);
        QFETCH(int, size);
        QFETCH(int, cin);
        QFETCH(int, cout);
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(int, padding);
        Rng rng(static_cast<uint64_t>(size * 1000 + cin * 10 + kernel));
        const ConvGeometry g{{size, size + 1, cin}, cout, kernel, stride, padding};
        const auto in = randomSigns(static_cast<size_t>(g.in.size()), rng);
        const auto w = randomSigns(static_cast<size_t>(cout) * g.fanIn(), rng);
        std::vector<int32_t> expected(static_cast<size_t>(g.out().size())), got(expected.size(), -7);
        referenceBinaryConv(g, in, w, expected);
        const PackedTensor packed = packSigns(in, g.in);
        const auto rows = packWeightRows(w, cout, g.taps(), cin);
        std::vector<uint64_t> scratch;
        binaryConv(g, packed.words.data(), rows.data(), got.data(), scratch, xnorKernels(isa));
        QCOMPARE(got, expected);
    }

    void binaryDenseMatchesReference_data()
    {
        QTest::addColumn<Isa>("isa");
        QTest::addColumn<Shape>("in");
        QTest::addColumn<int>("outputs");
        for (Isa isa : isas())
            for (auto [in, outputs] : {std::pair{Shape{1, 1, 1}, 1},
                                       {Shape{1, 1, 64}, 3},
                                       {Shape{1, 1, 100}, 65},
                                       {Shape{7, 7, 64}, 40},
                                       {Shape{3, 3, 10}, 17},
                                       {Shape{2, 5, 129}, 130},
                                       {Shape{1, 1, 3136}, 9},
                                       {Shape{1, 1, 700}, 300},
                                       {Shape{1, 1, 3072}, 33},
                                       {Shape{1, 1, 2100}, 20}})
                QTest::addRow("%s-%dx%dx%d-%d", isaName(isa).c_str(), in.height, in.width, in.channels, outputs)
                    << isa << in << outputs;
    }

    void binaryDenseMatchesReference()
    {
        QFETCH(Isa, isa);
        QFETCH(Shape, in);
        QFETCH(int, outputs);
        Rng rng(static_cast<uint64_t>(in.size() + outputs));
        const auto x = randomSigns(static_cast<size_t>(in.size()), rng);
        const auto w = randomSigns(static_cast<size_t>(in.size()) * outputs, rng);
        std::vector<int32_t> expected(static_cast<size_t>(outputs)), got(expected.size(), -7);
        referenceBinaryDense(x, w, outputs, expected);
        const PackedTensor packed = packSigns(x, in);
        const auto rows = packWeightRows(w, outputs, in.height * in.width, in.channels);
        binaryDense(packed.words.data(), static_cast<int>(packed.words.size()), in.size(), rows.data(), outputs,
                    got.data(), xnorKernels(isa));
        QCOMPARE(got, expected);
    }

    void inputConvMatchesReference_data()
    {
        QTest::addColumn<Isa>("isa");
        QTest::addColumn<int>("cin");
        QTest::addColumn<int>("cout");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<int>("padding");
        for (Isa isa : isas())
            for (auto [cin, cout, k, stride, pad] : {std::tuple{1, 64, 3, 1, 1},
                                                     {1, 1, 1, 1, 0},
                                                     {3, 17, 3, 2, 1},
                                                     {1, 33, 5, 1, 2},
                                                     {2, 70, 7, 2, 3},
                                                     {4, 16, 3, 1, 0},
                                                     {1, 130, 3, 1, 1},
                                                     {3, 128, 4, 3, 0},
                                                     {1, 75, 3, 1, 1},
                                                     {1, 20, 2, 1, 0},
                                                     {1, 45, 11, 1, 5}})
                QTest::addRow("%s-c%d-%d-k%d-s%d-p%d", isaName(isa).c_str(), cin, cout, k, stride, pad)
                    << isa << cin << cout << k << stride << pad;
    }

    void inputConvMatchesReference()
    {
        QFETCH(Isa, isa);
        QFETCH(int, cin);
        QFETCH(int, cout);
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(int, padding);
        Rng rng(static_cast<uint64_t>(cin * 100 + cout + kernel));
        const ConvGeometry g{{12, 9, cin}, cout, kernel, stride, padding};
        std::vector<uint8_t> pixels(static_cast<size_t>(g.in.size()));
        for (uint8_t& p : pixels)
            p = rng.next() % 3 == 0 ? 0 : static_cast<uint8_t>(rng.next() >> 56); // zeros as in real images
        const auto w = randomSigns(static_cast<size_t>(cout) * g.fanIn(), rng);
        std::vector<int32_t> expected(static_cast<size_t>(g.out().size())), got(expected.size(), -7);
        referenceInputConv(g, pixels, w, expected);
        const InputConvWeights prepared = prepareInputConv(g, w);
        std::vector<int16_t> scratch;
        inputConv(prepared, pixels.data(), got.data(), scratch, xnorKernels(isa));
        QCOMPARE(got, expected);

        // Thresholded in the kernel: the same bits as thresholding the
        // reference values, with and without the values alongside.
        const int positions = g.out().height * g.out().width, words = wordsFor(cout);
        std::vector<int32_t> gt(static_cast<size_t>(cout));
        for (int32_t& t : gt)
            t = static_cast<int32_t>(rng.next() % 801) - 400;
        std::vector<uint64_t> invert(static_cast<size_t>(words));
        for (uint64_t& v : invert)
            v = rng.next();
        std::vector<uint64_t> bits(static_cast<size_t>(positions) * words), gotBits(bits.size(), 0xdeadbeef);
        for (int pos = 0; pos < positions; ++pos)
            referenceThresholdPack(std::span(expected).subspan(static_cast<size_t>(pos) * cout, cout), gt, invert,
                                   std::span(bits).subspan(static_cast<size_t>(pos) * words, words));
        xnorKernels(isa).inputConv(prepared, pixels.data(), gt.data(), invert.data(), nullptr, gotBits.data(), scratch);
        QCOMPARE(gotBits, bits);
        std::fill(got.begin(), got.end(), -7);
        std::fill(gotBits.begin(), gotBits.end(), 0);
        xnorKernels(isa).inputConv(prepared, pixels.data(), gt.data(), invert.data(), got.data(), gotBits.data(),
                                   scratch);
        QCOMPARE(got, expected);
        QCOMPARE(gotBits, bits);
    }

    void thresholdPackMatchesReference_data()
    {
        QTest::addColumn<Isa>("isa");
        QTest::addColumn<int>("n");
        for (Isa isa : isas())
            for (int n : {1, 7, 8, 63, 64, 65, 100, 128, 200, 2048})
                QTest::addRow("%s-%d", isaName(isa).c_str(), n) << isa << n;
    }

    void thresholdPackMatchesReference()
    {
        QFETCH(Isa, isa);
        QFETCH(int, n);
        Rng rng(static_cast<uint64_t>(n));
        std::vector<int32_t> values(static_cast<size_t>(n)), gt(values.size());
        for (int i = 0; i < n; ++i) {
            values[i] = static_cast<int32_t>(rng.next() % 21) - 10;
            gt[i] = static_cast<int32_t>(rng.next() % 21) - 10;
        }
        std::vector<uint64_t> invert(static_cast<size_t>(wordsFor(n)));
        for (uint64_t& w : invert)
            w = rng.next(); // bits beyond n must not leak into the result
        std::vector<uint64_t> expected(invert.size()), got(invert.size(), 0xdeadbeef);
        referenceThresholdPack(values, gt, invert, expected);
        xnorKernels(isa).thresholdPack(values.data(), gt.data(), invert.data(), n, got.data());
        QCOMPARE(got, expected);
    }

    // Every XNOR output 1, or every one 0, over a fan-in long enough that the
    // AVX2 byte counters must be flushed several times (31 words at most).
    void gemmExtremes()
    {
        for (Isa isa : isas())
            for (int fanIn : {64 * 31, 64 * 31 + 1, 3136, 4608})
                for (int8_t weight : {int8_t{1}, int8_t{-1}}) {
                    const std::vector<int8_t> in(static_cast<size_t>(fanIn), 1);
                    const std::vector<int8_t> w(static_cast<size_t>(fanIn) * 20, weight);
                    const auto packed = packSigns(in, Shape{1, 1, fanIn}).words;
                    const auto rows = packWeightRows(w, 20, 1, fanIn);
                    std::vector<int32_t> got(20, -1);
                    binaryDense(packed.data(), static_cast<int>(packed.size()), fanIn, rows.data(), 20, got.data(),
                                xnorKernels(isa));
                    QCOMPARE(got, std::vector<int32_t>(20, weight > 0 ? fanIn : 0));
                }
    }

    void portableIsAlwaysAvailable()
    {
        QVERIFY(isaSupported(Isa::Portable));
        QVERIFY(isaSupported(detectedIsa()));
        QCOMPARE(xnorKernels(Isa::Portable).isa, Isa::Portable);
    }
};

QTEST_APPLESS_MAIN(TestXnorKernels)
#include "test_xnor_kernels.moc"
