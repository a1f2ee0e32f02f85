// Architecture names, configuration checks and the recipe text.
#include "train/train_config.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace axbnn::train {

std::string archName(Arch arch)
{
    return arch == Arch::Mlp ? "fc" : "vgg3";
}

std::optional<Arch> archFromName(const std::string& name)
{
    if (name == "fc" || name == "mlp")
        return Arch::Mlp;
    if (name == "vgg3")
        return Arch::Vgg3;
    return std::nullopt;
}

void validateTrainConfig(const TrainConfig& c)
{
    const NetworkSpec& n = c.net;
    if (n.input.height <= 0 || n.input.width <= 0 || n.input.channels <= 0)
        throw std::invalid_argument("input images must have a positive size");
    if (n.input.height != n.input.width)
        throw std::invalid_argument("the trainer needs square images (got " + std::to_string(n.input.height) + "x"
                                    + std::to_string(n.input.width) + ")");
    if (n.classes < 2)
        throw std::invalid_argument("training needs at least 2 classes, the data has " + std::to_string(n.classes));
    if (n.hidden < 1 || n.hidden > 65536)
        throw std::invalid_argument("hidden width must be 1..65536, got " + std::to_string(n.hidden));
    if (n.arch == Arch::Vgg3) {
        if (n.channels < 1 || n.channels > 4096)
            throw std::invalid_argument("convolution channels must be 1..4096, got " + std::to_string(n.channels));
        if (n.input.height % 4 != 0 || n.input.width % 4 != 0)
            throw std::invalid_argument("VGG3 pools twice by 2, so the image size must be a multiple of 4 (got "
                                        + std::to_string(n.input.height) + "x" + std::to_string(n.input.width) + ")");
        const int inner = std::min(n.input.height, n.input.width) / 2; // the second convolution's input
        if (n.kernel < 1 || n.kernel % 2 == 0 || n.kernel > inner)
            throw std::invalid_argument("kernel " + std::to_string(n.kernel)
                                        + " does not fit: VGG3 needs an odd kernel (padding kernel/2 "
                                          "keeps the image size) no larger than the "
                                        + std::to_string(inner) + "x" + std::to_string(inner)
                                        + " input of its second convolution, e.g. 3, 5 or 7");
    }
    if (c.epochs <= 0)
        throw std::invalid_argument("epochs must be positive, got " + std::to_string(c.epochs));
    if (c.batch < 2 || c.batch > 4096)
        throw std::invalid_argument("batch size must be 2..4096 (batch-norm needs batch statistics), got "
                                    + std::to_string(c.batch));
    if (!(c.learningRate > 0.0f) || c.learningRate > 1.0f)
        throw std::invalid_argument("learning rate must be in (0, 1], got " + std::to_string(c.learningRate));
    if (!(c.finalLrFraction >= 0.0f && c.finalLrFraction <= 1.0f))
        throw std::invalid_argument("final learning-rate fraction must be in [0, 1]");
    if (!(c.bnMomentum >= 0.0f && c.bnMomentum < 1.0f) || !(c.bnEpsilon > 0.0f))
        throw std::invalid_argument("batch-norm momentum must be in [0, 1) and epsilon positive");
    if (c.augmentShift < 0 || c.augmentShift > 4)
        throw std::invalid_argument("augmentation shift must be 0..4 pixels");
    if (c.threads < 0)
        throw std::invalid_argument("threads must be 0 (all cores) or positive");
}

std::vector<int> modelLayerIndices(const NetworkSpec& spec)
{
    if (spec.arch == Arch::Mlp)
        return {0, 1, 2};
    return {0, 2, 4, 5};
}

std::string recipeText(const TrainConfig& c)
{
    std::ostringstream s;
    s << "axbnn native trainer: arch " << archName(c.net.arch);
    if (c.net.arch == Arch::Vgg3)
        s << ", kernel " << c.net.kernel << ", channels " << c.net.channels;
    s << ", hidden " << c.net.hidden << "; epochs " << c.epochs << ", batch " << c.batch << ", Adam lr "
      << c.learningRate << " cosine to " << c.learningRate * c.finalLrFraction << "; batch-norm momentum "
      << c.bnMomentum << ", eps " << c.bnEpsilon << "; STE (sign, |pre-activation| <= 1), latent weights clipped to "
      << "[-1, 1]; augment " << (c.augment ? "shift +-" + std::to_string(c.augmentShift) : std::string("none"))
      << "; seed " << c.seed << (c.errorModel ? "; error injection from the abstracted error model" : "");
    return s.str();
}

} // namespace axbnn::train
