// Oracle answers, with the running JDK's java.util.regex, whether rules
// compile and whether each string matches its rule with Matcher.matches(),
// as serialgate defines a verdict. Run it as `java Oracle.java`.
//
// Input, one item a line, every text as the hex of its UTF-8 bytes so that
// no character (CR, NUL, a line separator) can end a line early:
//
//	R <hex>   a rule; the strings that follow are checked against it
//	S <hex>   a string
//
// Output, for each rule in order: a line "C" (compiled) or "E <hex>" (the
// PatternSyntaxException's description), then one line with a character
// per string: 1 matches, 0 does not, T ran past the time limit, O overflowed
// the stack, X the match threw (the JDK fails on some classes it compiles).
// A rule that does not compile has an empty verdict line.
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

public class Oracle {
    static final long LIMIT_NANOS = 200_000_000L;

    static final class TimedOut extends RuntimeException {
        TimedOut() {
            super(null, null, false, false);
        }
    }

    // Deadline gives the matcher the string and stops a runaway match: the
    // matcher reads every character through charAt.
    static final class Deadline implements CharSequence {
        final String s;
        final long end;
        int reads;

        Deadline(String s, long end) {
            this.s = s;
            this.end = end;
        }

        public char charAt(int i) {
            if ((++reads & 0x3ff) == 0 && System.nanoTime() > end) {
                throw new TimedOut();
            }
            return s.charAt(i);
        }

        public int length() {
            return s.length();
        }

        public CharSequence subSequence(int a, int b) {
            return s.subSequence(a, b);
        }

        public String toString() {
            return s;
        }
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII), 1 << 16);
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII), 1 << 16);
        String rule = null;
        List<String> strs = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("R ")) {
                if (rule != null) {
                    check(rule, strs, out);
                }
                rule = unhex(line.substring(2));
                strs.clear();
            } else if (line.startsWith("S ")) {
                strs.add(unhex(line.substring(2)));
            } else if (!line.isEmpty()) {
                throw new IOException("bad input line: " + line);
            }
        }
        if (rule != null) {
            check(rule, strs, out);
        }
        out.flush();
    }

    static void check(String rule, List<String> strs, BufferedWriter out) throws IOException {
        Pattern p;
        try {
            p = Pattern.compile(rule);
        } catch (PatternSyntaxException e) {
            out.write("E " + hex(e.getDescription()) + "\n\n");
            return;
        } catch (RuntimeException | StackOverflowError e) {
            out.write("E " + hex(e.toString()) + "\n\n");
            return;
        }
        out.write("C\n");
        StringBuilder v = new StringBuilder(strs.size() + 1);
        for (String s : strs) {
            char c;
            try {
                c = p.matcher(new Deadline(s, System.nanoTime() + LIMIT_NANOS)).matches() ? '1' : '0';
            } catch (TimedOut e) {
                c = 'T';
            } catch (StackOverflowError e) {
                c = 'O';
            } catch (RuntimeException e) {
                c = 'X';
            }
            v.append(c);
        }
        v.append('\n');
        out.write(v.toString());
    }

    static String unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    static String hex(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }
}
