using System.Globalization;
using System.Text.Json;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// The subset of CEL (the language of Dapr's routing rules, evaluated against the CloudEvent as <c>event</c>) that
/// FlashSale needs: comparisons of an attribute path with a literal (<c>event.type == "x"</c>, <c>!=</c>),
/// <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, parentheses and <c>true</c>/<c>false</c>. Anything else is refused when the
/// subscription is read, so an unsupported rule fails loudly instead of silently never matching.
/// </summary>
public sealed class RouteMatch
{
    private readonly Node _root;

    private RouteMatch(string expression, Node root)
    {
        Expression = expression;
        _root = root;
    }

    public string Expression { get; }

    public static RouteMatch Parse(string expression)
    {
        var parser = new Parser(expression);
        var root = parser.ParseExpression();
        parser.ExpectEnd();
        return new RouteMatch(expression, root);
    }

    /// <summary>
    /// True when the event matches. Like CEL, reading an attribute the event does not have is an error
    /// (<see cref="RouteMatchException"/>), which daprd treats as a failed delivery.
    /// </summary>
    public bool Matches(JsonElement cloudEvent) => _root.Evaluate(cloudEvent) is true;

    public override string ToString() => Expression;

    private abstract record Node
    {
        public abstract object Evaluate(JsonElement cloudEvent);
    }

    private sealed record Literal(object Value) : Node
    {
        public override object Evaluate(JsonElement cloudEvent) => Value;
    }

    private sealed record Attribute(string[] Path) : Node
    {
        public override object Evaluate(JsonElement cloudEvent)
        {
            var current = cloudEvent;
            foreach (var segment in Path)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
                {
                    throw new RouteMatchException($"no such key: {string.Join('.', Path)}");
                }
            }

            return current.ValueKind switch
            {
                JsonValueKind.String => current.GetString()!,
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => current.GetDouble(),
                _ => current.GetRawText(),
            };
        }
    }

    private sealed record Comparison(Node Left, bool Equal, Node Right) : Node
    {
        public override object Evaluate(JsonElement cloudEvent) => Equals(Left.Evaluate(cloudEvent), Right.Evaluate(cloudEvent)) == Equal;
    }

    private sealed record Not(Node Operand) : Node
    {
        public override object Evaluate(JsonElement cloudEvent) => !Bool(Operand.Evaluate(cloudEvent));
    }

    private sealed record And(Node Left, Node Right) : Node
    {
        public override object Evaluate(JsonElement cloudEvent) => Bool(Left.Evaluate(cloudEvent)) && Bool(Right.Evaluate(cloudEvent));
    }

    private sealed record Or(Node Left, Node Right) : Node
    {
        public override object Evaluate(JsonElement cloudEvent) => Bool(Left.Evaluate(cloudEvent)) || Bool(Right.Evaluate(cloudEvent));
    }

    private static bool Bool(object value) =>
        value as bool? ?? throw new RouteMatchException($"expected a boolean, got '{value}'");

    private sealed class Parser(string text)
    {
        private int _position;

        public Node ParseExpression()
        {
            var left = ParseAnd();
            while (TryConsume("||"))
            {
                left = new Or(left, ParseAnd());
            }

            return left;
        }

        public void ExpectEnd()
        {
            SkipSpaces();
            if (_position < text.Length)
            {
                throw Unsupported($"unexpected '{text[_position..]}'");
            }
        }

        private Node ParseAnd()
        {
            var left = ParseUnary();
            while (TryConsume("&&"))
            {
                left = new And(left, ParseUnary());
            }

            return left;
        }

        private Node ParseUnary()
        {
            if (Peek() == '!' && PeekAt(1) != '=')
            {
                _position++;
                return new Not(ParseUnary());
            }

            var left = ParseOperand();
            if (TryConsume("=="))
            {
                return new Comparison(left, true, ParseOperand());
            }

            return TryConsume("!=") ? new Comparison(left, false, ParseOperand()) : left;
        }

        private Node ParseOperand()
        {
            SkipSpaces();
            var next = Peek();
            if (next == '(')
            {
                _position++;
                var inner = ParseExpression();
                if (!TryConsume(")"))
                {
                    throw Unsupported("missing ')'");
                }

                return inner;
            }

            if (next is '"' or '\'')
            {
                return new Literal(ReadString(next.Value));
            }

            if (next is { } digit && (char.IsAsciiDigit(digit) || digit == '-'))
            {
                var start = _position++;
                while (_position < text.Length && (char.IsAsciiDigit(text[_position]) || text[_position] == '.'))
                {
                    _position++;
                }

                return new Literal(double.Parse(text[start.._position], CultureInfo.InvariantCulture));
            }

            var path = ReadPath();
            return path switch
            {
                ["true"] => new Literal(true),
                ["false"] => new Literal(false),
                ["event", .. var rest] when rest.Length > 0 => new Attribute(rest),
                _ => throw Unsupported($"'{string.Join('.', path)}' is not an event attribute"),
            };
        }

        private string[] ReadPath()
        {
            var start = _position;
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] is '_' or '.'))
            {
                _position++;
            }

            if (start == _position)
            {
                throw Unsupported($"unexpected '{text[start..]}'");
            }

            SkipSpaces();
            if (Peek() == '(' || Peek() == '[')
            {
                throw Unsupported("functions, macros and indexing are not supported");
            }

            return text[start.._position].Trim().Split('.');
        }

        private string ReadString(char quote)
        {
            var start = ++_position;
            while (_position < text.Length && text[_position] != quote)
            {
                if (text[_position] == '\\')
                {
                    throw Unsupported("escape sequences are not supported");
                }

                _position++;
            }

            if (_position >= text.Length)
            {
                throw Unsupported("unterminated string");
            }

            return text[start.._position++];
        }

        private bool TryConsume(string token)
        {
            SkipSpaces();
            if (string.CompareOrdinal(text, _position, token, 0, token.Length) != 0)
            {
                return false;
            }

            _position += token.Length;
            return true;
        }

        private char? Peek()
        {
            SkipSpaces();
            return PeekAt(0);
        }

        private char? PeekAt(int offset) => _position + offset < text.Length ? text[_position + offset] : null;

        private void SkipSpaces()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private NotSupportedException Unsupported(string why) =>
            new($"The sidecar stand-in does not support the routing rule '{text}': {why}");
    }
}

/// <summary>A routing rule could not be evaluated against an event (CEL's "no such key", a non-boolean result).</summary>
public sealed class RouteMatchException(string message) : Exception(message);
