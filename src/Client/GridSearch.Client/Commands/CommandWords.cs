using System.Text;

namespace GridSearch.Client.Commands;

/// <summary>
/// Splits a command line given as one string (<c>--command 'python3 train.py --lr {lr}'</c>) into its words as a
/// POSIX shell would: whitespace separates, single quotes keep everything, double quotes keep all but backslash escapes,
/// a backslash outside quotes escapes the next character. Nothing is expanded: no variables, globs or pipes (run
/// <c>bash -c '...'</c> for those).
/// </summary>
public static class CommandWords
{
    public static IReadOnlyList<string> Split(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < command.Length; i++)
        {
            char c = command[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == '\'')
            {
                int close = command.IndexOf('\'', i + 1);
                if (close < 0)
                {
                    throw new UserInputException($"--command has an unclosed single quote: {command}");
                }

                word.Append(command, i + 1, close - i - 1);
                i = close;
            }
            else if (c == '"')
            {
                i++;
                while (i < command.Length && command[i] != '"')
                {
                    if (command[i] == '\\' && i + 1 < command.Length && command[i + 1] is '"' or '\\' or '$' or '`')
                    {
                        i++;
                    }

                    word.Append(command[i++]);
                }

                if (i >= command.Length)
                {
                    throw new UserInputException($"--command has an unclosed double quote: {command}");
                }
            }
            else if (c == '\\' && i + 1 < command.Length)
            {
                word.Append(command[++i]);
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words.Count > 0 ? words : throw new UserInputException("--command is empty: give the program to run, for example --command 'python3 train.py --lr {lr}'.");
    }
}
