/** CSV files laid out as real exports and hand-edited tables are: DuckDB's read_csv reads each into a table with a numeric column. */

export const CSV_CASES: [string, string][] = [
  ['comma', 'lr,opt,acc\n0.1,adam,0.7\n0.01,sgd,0.8\n0.001,adam,0.9\n'],
  ['semicolon with decimal points', 'lr;opt;acc\n0.1;adam;0.7\n0.01;sgd;0.8\n0.001;adam;0.9\n'],
  ['tab', 'lr\topt\tacc\n0.1\tadam\t0.7\n0.01\tsgd\t0.8\n0.001\tadam\t0.9\n'],
  ['pipe', 'lr|opt|acc\n0.1|adam|0.7\n0.01|sgd|0.8\n0.001|adam|0.9\n'],
  ['CRLF and a BOM', '\ufefflr,opt,acc\r\n0.1,adam,0.7\r\n0.01,sgd,0.8\r\n'],
  ['quoted fields with commas, quotes and newlines', 'arch,note,acc\n"[64, 128]","say ""hi""",0.5\n"[32]","two\nlines",0.6\n"[64, 128]",plain,0.7\n'],
  ['quoted header', '"lr","opt","acc"\n"0.1","adam",0.7\n"0.01","sgd",0.8\n'],
  ['exponents and signs', 'lr,wd,acc\n1e-4,-2.5E+3,0.7\n3e-4,+1.0,0.8\n1E-3,0,0.9\n'],
  ['missing values', 'lr,opt,acc\n0.1,,0.7\n,sgd,0.8\n0.001,adam,\n'],
  ['no trailing newline', 'lr,opt,acc\n0.1,adam,0.7\n0.01,sgd,0.8'],
  ['blank lines at the end', 'lr,opt,acc\n0.1,adam,0.7\n0.01,sgd,0.8\n\n\n'],
  ['leading zeros', 'arch,acc\n00112121,0.7\n01234012,0.8\n00000000,0.9\n'],
  ['a single column', 'acc\n0.7\n0.8\n0.9\n'],
  ['booleans', 'bn,acc\ntrue,0.7\nfalse,0.8\ntrue,0.9\n'],
  ['integers and floats mixed', 'epochs,acc\n10,0.7\n20,0.85\n30,1\n'],
  ['duplicate and empty names', 'a,a,,acc\n1,2,3,0.5\n3,4,5,0.6\n'],
  ['comment lines before the header', '# exported by a sweep tool\n# 2 runs\na,acc\n1,0.5\n2,0.6\n'],
  ['many rows', `seed,acc\n${Array.from({ length: 3000 }, (_, i) => `${i % 7},${(i % 101) / 100}`).join('\n')}\n`],
];
