// Recursive-descent parser of the gate-level Verilog subset: modules with
// input/output/wire declarations, continuous assignments and instances.
#include "io/verilog_parser.h"

#include "util/input_limits.h"
#include "util/shown_text.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <stdexcept>

namespace axbnn::verilog {

namespace {

class Parser {
public:
    Parser(const std::vector<Token>& t, const std::string& origin) : t_(t), origin_(origin) {}

    std::vector<Module> modules()
    {
        std::vector<Module> out;
        while (peek().kind != Token::End) {
            if (!isWord("module"))
                unsupported();
            out.push_back(module());
        }
        if (out.empty())
            fail(peek().line, "no module in the file");
        return out;
    }

private:
    const Token& peek(int k = 0) const { return t_[std::min(pos_ + k, t_.size() - 1)]; }
    const Token& next() { return t_[std::min(pos_++, t_.size() - 1)]; }
    bool isSym(const char* s) const { return peek().kind == Token::Symbol && peek().text == s; }
    bool isWord(const char* s) const { return peek().kind == Token::Ident && peek().text == s; }
    bool accept(const char* s)
    {
        if (isSym(s) || isWord(s)) {
            ++pos_;
            return true;
        }
        return false;
    }
    [[noreturn]] void fail(int line, const std::string& what) const
    {
        throw std::runtime_error(origin_ + ": line " + std::to_string(line) + ": " + what);
    }
    void expect(const char* s)
    {
        if (!accept(s))
            fail(peek().line, std::string("expected '") + s + "', found '" + peek().text + "'");
    }
    std::string identifier()
    {
        if (peek().kind != Token::Ident || keyword(peek().text))
            fail(peek().line, "expected a name, found '" + peek().text + "'");
        return next().text;
    }
    static bool keyword(const std::string& w)
    {
        static const std::set<std::string> k{"module",   "endmodule", "input",     "output",     "wire",
                                             "assign",   "always",    "reg",       "initial",    "begin",
                                             "end",      "inout",     "parameter", "localparam", "generate",
                                             "function", "task",      "supply0",   "supply1"};
        return k.count(w) > 0;
    }
    [[noreturn]] void unsupported() const
    {
        fail(peek().line,
             "unsupported construct '" + peek().text
                 + "' (the importer reads modules of input/output/wire declarations, "
                   "assign statements and module instances; docs/netlist-import.md)");
    }
    int integer()
    {
        if (peek().kind != Token::Number || peek().text.find('\'') != std::string::npos)
            fail(peek().line, "expected a plain number, found '" + peek().text + "'");
        std::string digits;
        for (char c : next().text)
            if (c != '_')
                digits += c;
        if (digits.size() > 7)
            fail(peek().line, "number too large");
        return std::stoi(digits);
    }

    Module module()
    {
        Module m;
        m.line = next().line;
        m.name = identifier();
        if (accept("#"))
            fail(peek().line, "module parameters are not supported");
        if (accept("(")) {
            if (!isSym(")")) {
                do {
                    if (isWord("input") || isWord("output") || isWord("inout")) {
                        Net::Dir dir = Net::Wire;
                        // ANSI header: direction [wire] [range] name {, name}
                        do {
                            if (isWord("input") || isWord("output") || isWord("inout"))
                                dir = direction();
                            accept("wire");
                            declareNames(m, dir, range(), true);
                        } while (accept(","));
                        break;
                    }
                    m.ports.push_back(identifier());
                } while (accept(","));
            }
            expect(")");
        }
        expect(";");
        while (!accept("endmodule")) {
            if (peek().kind == Token::End)
                fail(peek().line, "missing 'endmodule' for module '" + m.name + "'");
            statement(m);
        }
        return m;
    }

    Net::Dir direction()
    {
        if (isWord("inout"))
            fail(peek().line, "inout ports are not supported");
        return next().text == "input" ? Net::Input : Net::Output;
    }

    std::pair<int, int> range()
    {
        accept("signed");
        const int line = peek().line;
        if (!accept("["))
            return {0, 0};
        const int msb = integer();
        expect(":");
        const int lsb = integer();
        expect("]");
        const int width = std::abs(msb - lsb) + 1;
        if (width > kMaxNetlistVectorWidth)
            fail(line,
                 "range [" + std::to_string(msb) + ":" + std::to_string(lsb) + "] is " + std::to_string(width)
                     + " bits wide, more than the " + std::to_string(kMaxNetlistVectorWidth)
                     + " a netlist vector may have");
        return {msb, lsb};
    }

    // Declares names after a type; stops before ';' or, in an ANSI header,
    // before ", input|output". Returns with the names consumed.
    void declareNames(Module& m, Net::Dir dir, std::pair<int, int> r, bool ansi)
    {
        do {
            const int line = peek().line;
            const std::string name = identifier();
            auto it = m.nets.find(name);
            if (it == m.nets.end()) {
                m.nets[name] = Net{dir, r.first, r.second, line};
                if (ansi)
                    m.ports.push_back(name);
            } else if (it->second.msb != r.first || it->second.lsb != r.second
                       || (dir != Net::Wire && it->second.dir != Net::Wire && it->second.dir != dir)) {
                fail(line,
                     "'" + name + "' is declared again differently (first at line " + std::to_string(it->second.line)
                         + ")");
            } else if (dir != Net::Wire) {
                it->second.dir = dir; // "input [3:0] x; wire [3:0] x;" in either order
            }
            if (!ansi && accept("=")) { // wire w = expr;
                Assign a;
                a.line = line;
                auto lhs = std::make_unique<Expr>();
                lhs->name = name;
                lhs->line = line;
                a.lhs = std::move(lhs);
                a.rhs = expression();
                m.assigns.push_back(std::move(a));
            }
            if (ansi && (peek(1).text == "input" || peek(1).text == "output" || peek(1).text == "inout"))
                return;
        } while (accept(","));
    }

    void statement(Module& m)
    {
        if (isWord("input") || isWord("output") || isWord("inout")) {
            const Net::Dir dir = direction();
            accept("wire");
            declareNames(m, dir, range(), false);
            expect(";");
        } else if (accept("wire")) {
            declareNames(m, Net::Wire, range(), false);
            expect(";");
        } else if (isWord("assign")) {
            next();
            do {
                Assign a;
                a.line = peek().line;
                a.lhs = primary();
                expect("=");
                a.rhs = expression();
                m.assigns.push_back(std::move(a));
            } while (accept(","));
            expect(";");
        } else if (peek().kind == Token::Ident && !keyword(peek().text) && peek(1).kind == Token::Ident) {
            instance(m);
        } else {
            unsupported();
        }
    }

    void instance(Module& m)
    {
        Instance inst;
        inst.line = peek().line;
        inst.module = next().text;
        inst.name = identifier();
        expect("(");
        if (!isSym(")")) {
            do {
                Connection c;
                c.line = peek().line;
                if (!accept("."))
                    fail(c.line,
                         "instance '" + inst.name + "': only named port connections (.port(signal)) are supported");
                c.port = identifier();
                expect("(");
                if (!isSym(")"))
                    c.expr = expression();
                expect(")");
                inst.connections.push_back(std::move(c));
            } while (accept(","));
        }
        expect(")");
        expect(";");
        m.instances.push_back(std::move(inst));
    }

    // Parsing recursion (parentheses, unary operators, ?:, concatenations).
    struct Nesting {
        Nesting(Parser& p, int line) : parser(p)
        {
            if (++parser.nesting_ > kMaxExpressionDepth)
                parser.tooDeep(line);
        }
        ~Nesting() { --parser.nesting_; }
        Parser& parser;
    };
    [[noreturn]] void tooDeep(int line) const
    {
        fail(line,
             "expression nested deeper than " + std::to_string(kMaxExpressionDepth)
                 + " levels (parentheses, operators of one chain, concatenations); split it with wires");
    }
    // The tree's depth, checked as it grows (a long flat chain is deep too).
    std::unique_ptr<Expr> checked(std::unique_ptr<Expr> e)
    {
        for (const auto& a : e->args)
            e->depth = std::max(e->depth, a->depth + 1);
        if (e->depth > kMaxExpressionDepth)
            tooDeep(e->line);
        return e;
    }

    std::unique_ptr<Expr> node(Expr::Op op, int line)
    {
        auto e = std::make_unique<Expr>();
        e->op = op;
        e->line = line;
        return e;
    }
    std::unique_ptr<Expr> binary(Expr::Op op, std::unique_ptr<Expr> a, std::unique_ptr<Expr> b, bool invert)
    {
        const int line = a->line;
        auto e = node(op, line);
        e->args.push_back(std::move(a));
        e->args.push_back(std::move(b));
        e = checked(std::move(e));
        if (!invert)
            return e;
        auto n = node(Expr::Not, line);
        n->args.push_back(std::move(e));
        return checked(std::move(n));
    }

    // Precedence (IEEE 1364 5.1.2): unary > & ~& > ^ ~^ > | ~| > ?:
    std::unique_ptr<Expr> expression()
    {
        const Nesting nest(*this, peek().line);
        auto c = orExpr();
        if (!accept("?"))
            return c;
        auto t = node(Expr::Ternary, c->line);
        t->args.push_back(std::move(c));
        t->args.push_back(expression());
        expect(":");
        t->args.push_back(expression());
        return checked(std::move(t));
    }
    std::unique_ptr<Expr> orExpr()
    {
        auto e = xorExpr();
        while (isSym("|") || isSym("~|")) {
            const bool inv = next().text == "~|";
            e = binary(Expr::Or, std::move(e), xorExpr(), inv);
        }
        return e;
    }
    std::unique_ptr<Expr> xorExpr()
    {
        auto e = andExpr();
        while (isSym("^") || isSym("~^") || isSym("^~")) {
            const bool inv = next().text != "^";
            e = binary(Expr::Xor, std::move(e), andExpr(), inv);
        }
        return e;
    }
    std::unique_ptr<Expr> andExpr()
    {
        auto e = unary();
        while (isSym("&") || isSym("~&")) {
            const bool inv = next().text == "~&";
            e = binary(Expr::And, std::move(e), unary(), inv);
        }
        return e;
    }
    std::unique_ptr<Expr> unary()
    {
        if (isSym("~") || isSym("!")) {
            const Nesting nest(*this, peek().line);
            auto e = node(Expr::Not, next().line);
            e->args.push_back(unary());
            return checked(std::move(e));
        }
        if (isSym("&") || isSym("|") || isSym("^") || isSym("~&") || isSym("~|") || isSym("~^"))
            fail(peek().line, "reduction operators are not supported");
        return primary();
    }
    std::unique_ptr<Expr> primary()
    {
        const Token& t = peek();
        if (accept("(")) {
            auto e = expression();
            expect(")");
            return e;
        }
        if (accept("{")) {
            if (peek().kind == Token::Number && peek(1).text == "{") { // {n{expr}}
                auto r = node(Expr::Repeat, t.line);
                r->count = integer();
                expect("{");
                r->args.push_back(expression());
                expect("}");
                expect("}");
                return checked(std::move(r));
            }
            auto c = node(Expr::Concat, t.line);
            do
                c->args.push_back(expression());
            while (accept(","));
            expect("}");
            return checked(std::move(c));
        }
        if (t.kind == Token::Number)
            return constant();
        if (t.kind != Token::Ident || keyword(t.text))
            fail(t.line, "expected a signal, constant or '(', found '" + t.text + "'");
        auto e = node(Expr::Ref, t.line);
        e->name = next().text;
        if (accept("[")) {
            e->select = true;
            e->msb = e->lsb = integer();
            if (accept(":"))
                e->lsb = integer();
            expect("]");
        }
        return e;
    }
    // The value of `digits` in `base` modulo 2^width, least significant bit
    // first. Every base here is even, so base^k is a multiple of 2^width for
    // k >= width: only the last `width` digits count, each in width/64 steps.
    std::vector<int> digitsValue(const std::string& digits, int base, int width, int line, const std::string& s) const
    {
        std::vector<int> d(digits.size());
        for (size_t i = 0; i < digits.size(); ++i) {
            const char ch = digits[i];
            d[i] = std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0'
                : (ch >= 'a' && ch <= 'f')                      ? ch - 'a' + 10
                                                                : -1;
            if (d[i] < 0 || d[i] >= base)
                fail(line, "unsupported digit '" + std::string(1, ch) + "' in constant '" + shownText(s) + "'");
        }
        std::vector<uint64_t> limbs(static_cast<size_t>(width + 63) / 64, 0);
        const size_t first = d.size() > static_cast<size_t>(width) ? d.size() - static_cast<size_t>(width) : 0;
        for (size_t i = first; i < d.size(); ++i) {
            uint64_t carry = static_cast<uint64_t>(d[i]);
            for (uint64_t& limb : limbs) { // limb * base + carry, 32 bits at a time
                const uint64_t lo = (limb & 0xFFFFFFFFu) * static_cast<uint64_t>(base) + carry;
                const uint64_t hi = (limb >> 32) * static_cast<uint64_t>(base) + (lo >> 32);
                limb = (hi << 32) | (lo & 0xFFFFFFFFu);
                carry = hi >> 32;
            }
        }
        std::vector<int> value(static_cast<size_t>(width));
        for (int k = 0; k < width; ++k)
            value[static_cast<size_t>(k)] = static_cast<int>((limbs[static_cast<size_t>(k) / 64] >> (k % 64)) & 1);
        return value;
    }

    std::unique_ptr<Expr> constant()
    {
        const Token& t = next();
        auto e = node(Expr::Const, t.line);
        const std::string& s = t.text;
        const size_t q = s.find('\'');
        int width = 32, base = 10;
        std::string digits = s;
        if (q != std::string::npos) {
            if (q > 0)
                width = std::stoi(s.substr(0, std::min<size_t>(q, 7)));
            size_t b = q + 1;
            if (s[b] == 's' || s[b] == 'S')
                ++b;
            const char bc = static_cast<char>(std::tolower(static_cast<unsigned char>(s[b])));
            base = bc == 'b' ? 2 : bc == 'o' ? 8 : bc == 'h' ? 16 : 10;
            digits = s.substr(b + 1);
        }
        if (width < 1 || width > kMaxNetlistConstantWidth)
            fail(t.line,
                 "constant '" + shownText(s) + "' must be 1 to " + std::to_string(kMaxNetlistConstantWidth)
                     + " bits wide");
        std::vector<int> value; // least significant first
        std::string clean;
        for (char ch : digits)
            if (ch != '_')
                clean += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const bool unknown = clean.find_first_of("xz?") != std::string::npos;
        if (unknown && clean.find_first_not_of("xz?") == std::string::npos) {
            value.assign(static_cast<size_t>(width), -1); // all x: a don't-care
        } else if (unknown && base == 2) {
            for (auto it = clean.rbegin(); it != clean.rend(); ++it)
                value.push_back(*it == '0' ? 0 : *it == '1' ? 1 : -1);
        } else {
            value = digitsValue(clean, base, width, t.line, s);
        }
        value.resize(static_cast<size_t>(width), 0);
        e->bits = std::move(value);
        return e;
    }

    const std::vector<Token>& t_;
    const std::string& origin_;
    size_t pos_ = 0;
    int nesting_ = 0; // expression() and unary() frames on the stack
};

} // namespace

std::vector<Module> parseModules(const std::vector<Token>& tokens, const std::string& origin)
{
    return Parser(tokens, origin).modules();
}

} // namespace axbnn::verilog
